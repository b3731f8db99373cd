from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field
        from pagecache.generation import changes_are_public

        from .models import Author

        manage_image_field(Author, "photo")
        # Authors have public pages (the staff list, profiles) and sign every story: any change is news.
        changes_are_public(Author)
