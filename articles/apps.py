from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field
        from media_library.usage import register_story_visibility
        from pagecache.generation import changes_are_public

        from . import signals  # noqa: F401 (connects the search index receivers)
        from .converters import register_converters
        from .invalidation import connect_receivers
        from .models import Article, PublicationPage
        from .roles import sync_roles
        from .workflow import visible_to

        register_converters()  # before any URLconf is loaded
        connect_receivers()  # which story changes move the page cache's content generation
        manage_image_field(Article, "social_image")  # stripped of its metadata like any upload
        changes_are_public(PublicationPage)  # every page lists them in its footer
        register_story_visibility(visible_to)  # a picture's page names only the stories its viewer may open
        # After this app's permissions are created on every migrate or flush.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="articles.sync_roles")
