from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from newsroom.image_lifecycle import manage_image_field

        from .models import Article

        manage_image_field(Article, "lead_image")
