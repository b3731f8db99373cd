from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from .events import connect_receivers

        connect_receivers()  # the workflow's Transition records become notifications
