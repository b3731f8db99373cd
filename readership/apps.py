import atexit

from django.apps import AppConfig


class ReadershipConfig(AppConfig):
    name = "readership"
    verbose_name = "Readership"

    def ready(self) -> None:
        from .counting import flush_on_exit

        # Reads counted since the last write reach the database when the process stops (a restart, a deploy).
        atexit.register(flush_on_exit)
