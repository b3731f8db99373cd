"""The content API's records: partner keys, the changes feed's events, webhook endpoints and their deliveries."""

import base64
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    STORIES = "stories", "Read stories, sections, authors, tags and corrections"
    CHANGES = "changes", "Read the changes feed"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self) -> "ApiKeyQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A partner's key for ``Authorization: Bearer …``.

    Only a hash is stored: the key is shown once, when it is made, so a copy of the database opens nothing.
    ``prefix`` (its first characters, also in the key) finds the row without comparing hashes one by one.
    """

    name = models.CharField(max_length=120, help_text="Who it is for, e.g. “Newsletter tool”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="What the key may read.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for a key that does not expire.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        # A key is 32 random bytes: a plain SHA-256 cannot be reversed or guessed, no slow hash needed.
        return hashlib.sha256(key.encode()).hexdigest()

    def issue(self) -> str:
        """Give this (unsaved) key its secret and return it, the only time it is ever seen."""
        self.prefix = secrets.token_hex(6)
        key = f"nr_{self.prefix}_{secrets.token_urlsafe(32)}"
        self.key_hash = self.hash(key)
        return key

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class Change(models.Model):
    """Something that happened to a story readers can see, for the changes feed and the webhooks.

    ``article_id`` is a plain number, not a foreign key: a deleted story's deletion stays on record.
    ``at`` is when it happens for readers: a scheduled or embargoed story's publication is recorded when
    it is saved, at its go-live time, and listed (and sent) only once that time has come.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        CORRECTED = "corrected", "Corrected"
        UNPUBLISHED = "unpublished", "Unpublished"
        DELETED = "deleted", "Deleted"

    article_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    # Whether its webhooks have been queued (a scheduled publication's wait for beat).
    dispatched = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["at", "id"], name="change_feed_order"),
            models.Index(fields=["dispatched", "at"], name="change_undispatched"),
        ]

    def __str__(self) -> str:
        return f"Story {self.article_id} {self.get_kind_display().lower()} at {self.at:%Y-%m-%d %H:%M:%S}"

    # Kinds that remove a story: listed as ids alone, whatever the story has become.
    REMOVALS = frozenset({Kind.UNPUBLISHED, Kind.DELETED})


class WebhookEndpoint(models.Model):
    """A partner's address that is sent a signed POST on each event it asked for."""

    class Event(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        CORRECTED = "corrected", "Corrected"
        UNPUBLISHED = "unpublished", "Unpublished or deleted"

    name = models.CharField(max_length=120)
    url = models.URLField("address", max_length=500, help_text="https://… where the events are POSTed.")
    events = models.JSONField(default=list)
    secret = models.CharField(
        max_length=100,
        editable=False,
        help_text="Signs every delivery (Standard Webhooks); the receiver keeps a copy to check signatures.",
    )
    is_active = models.BooleanField("active", default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_secret() -> str:
        """``whsec_`` and 24 random bytes in base64, as Standard Webhooks' libraries expect."""
        return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()

    def wants(self, kind: str) -> bool:
        event = WebhookEndpoint.Event.UNPUBLISHED if kind == Change.Kind.DELETED else kind
        return event in self.events


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: its attempts so far and the last answer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Waiting to retry"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    change = models.ForeignKey(Change, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    event = models.CharField(max_length=20)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 1,000 characters of the answer.")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
