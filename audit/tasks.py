from celery import shared_task
from django.conf import settings

from .models import AuditEntry


@shared_task
def forget_old_entries() -> int:
    """Delete audit entries older than ``AUDIT_LOG_DAYS`` (raw delete: the queryset refuses updates only)."""
    deleted, _ = AuditEntry.objects.older_than(settings.AUDIT_LOG_DAYS).delete()
    return deleted
