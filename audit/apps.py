from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only record of security-relevant events; any app records with ``audit.log.record``."""

    name = "audit"
    verbose_name = "Audit log"
