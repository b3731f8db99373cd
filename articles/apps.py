from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field
        from newsroom import page_cache  # noqa: F401 (registers the page cache's deploy check)

        from . import signals  # noqa: F401 (connects the search index receivers)
        from .invalidation import connect_signals, create_generation_row
        from .models import Article
        from .roles import sync_roles

        connect_signals()
        manage_image_field(Article, "lead_image")
        # After this app's permissions are created on every migrate or flush.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="articles.sync_roles")
        # The content generation's one row, in every migrated (or flushed) database.
        post_migrate.connect(create_generation_row, sender=self, dispatch_uid="articles.create_generation_row")
