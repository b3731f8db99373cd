"""The audit log: one row per security-relevant event, written once and never changed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGNED_OUT = "signed_out", "Signed out"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong two-factor code"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor set up"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor reset by an administrator"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "New recovery codes"
    PASSKEY_ADDED = "passkey_added", "Passkey added"
    PASSKEY_REMOVED = "passkey_removed", "Passkey removed"
    PASSKEY_USED = "passkey_used", "Signed in with a passkey"
    USER_CREATED = "user_created", "Account created"
    USER_DEACTIVATED = "user_deactivated", "Account deactivated"
    USER_REACTIVATED = "user_reactivated", "Account reactivated"
    GROUPS_CHANGED = "groups_changed", "Roles changed"
    PERMISSIONS_CHANGED = "permissions_changed", "Permissions changed"
    STAFF_STATUS_CHANGED = "staff_status_changed", "Staff or superuser status changed"
    SESSIONS_ENDED = "sessions_ended", "Signed out everywhere"
    PREVIEW_LINK_CREATED = "preview_link_created", "Preview link created"
    PREVIEW_LINK_REVOKED = "preview_link_revoked", "Preview link revoked"
    IMPORT_RUN = "import_run", "Stories imported"
    BACKUP = "backup", "Backup made"
    RESTORE = "restore", "Backup restored"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The audit log is append-only.")

    def older_than(self, days: int) -> "AuditEntryQuerySet":
        return self.filter(at__lt=timezone.now() - timezone.timedelta(days=days))


class AuditEntry(models.Model):
    """Who did what, when, from which address. ``actor`` may be empty (a failed sign-in, the system);
    ``actor_name`` keeps the name given even when the account is later deleted."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=40, choices=Event.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("who", max_length=150, blank=True)
    address = models.GenericIPAddressField("from", null=True, blank=True)
    target = models.CharField("about", max_length=300, blank=True, help_text="What the event concerns.")
    details = models.TextField(blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.actor_name}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The audit log is append-only: entries are never changed.")
        super().save(*args, **kwargs)
