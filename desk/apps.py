from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Writing desk"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (a real save supersedes the saver's autosave)
