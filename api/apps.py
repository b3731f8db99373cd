from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Content API"

    def ready(self) -> None:
        from . import changes, schema  # noqa: F401 (schema: registers the key scheme with drf-spectacular)

        changes.connect_receivers()
