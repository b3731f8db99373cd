from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff sign-in: the login lockout's rules, two-factor sign-in and staff session policy."""

    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the audit log's receivers)
