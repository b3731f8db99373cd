from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field

        from .models import Author

        manage_image_field(Author, "photo")
