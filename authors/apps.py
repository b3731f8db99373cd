from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self) -> None:
        from pagecache.generation import changes_are_public

        from .models import Author

        # Authors have public pages (the staff list, profiles) and sign every story: any change is news.
        # Their photos are library pictures: ``articles.invalidation`` follows a change to one.
        changes_are_public(Author)
