"""Notifications: what happened to whom, and how each person wants to hear of each kind of event."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article


class Event(models.TextChoices):
    SUBMITTED = "submitted", "A story was submitted for review"
    SENT_BACK = "sent_back", "My story was sent back"
    PUBLISHED = "published", "My story was published"
    SCHEDULED = "scheduled", "My story was scheduled"
    CORRECTED = "corrected", "A correction was added to my story"
    MENTIONED = "mentioned", "I was mentioned in a comment"
    REPLIED = "replied", "Someone replied to my comment"
    ASSIGNED = "assigned", "I was assigned a story"
    DEADLINE_SOON = "deadline_soon", "A deadline is an hour away"
    OVERDUE = "overdue", "A deadline has passed"
    TAKEN_OVER = "taken_over", "Someone took over a story I was writing"
    WEBHOOK_DISABLED = "webhook_disabled", "A webhook endpoint I registered was disabled"


class Delivery(models.TextChoices):
    ADMIN = "admin", "In the admin only"
    IMMEDIATE = "immediate", "By e-mail at once"
    DIGEST = "digest", "In a daily e-mail digest"


# What a person gets until they choose: e-mail at once for what asks something of them, the rest in the admin.
DEFAULT_DELIVERY = {
    Event.SUBMITTED: Delivery.IMMEDIATE,
    Event.SENT_BACK: Delivery.IMMEDIATE,
    Event.PUBLISHED: Delivery.ADMIN,
    Event.SCHEDULED: Delivery.ADMIN,
    Event.CORRECTED: Delivery.IMMEDIATE,
    Event.MENTIONED: Delivery.IMMEDIATE,
    Event.REPLIED: Delivery.ADMIN,
    Event.ASSIGNED: Delivery.IMMEDIATE,
    Event.DEADLINE_SOON: Delivery.IMMEDIATE,
    Event.OVERDUE: Delivery.IMMEDIATE,
    Event.TAKEN_OVER: Delivery.ADMIN,  # the desk already tells whoever has the form open
    Event.WEBHOOK_DISABLED: Delivery.IMMEDIATE,  # a partner stops hearing from us until someone acts
}


class PreferenceQuerySet(models.QuerySet):
    def delivery_for(self, user, event: str) -> str:
        """How ``user`` wants ``event``: their choice, else the default."""
        chosen = self.filter(user=user, event=event).values_list("delivery", flat=True).first()
        return chosen or DEFAULT_DELIVERY[event]

    def choices_of(self, user) -> dict[str, str]:
        """Every event type with how ``user`` wants it, defaults filled in."""
        chosen = dict(self.filter(user=user).values_list("event", "delivery"))
        return {event: chosen.get(event, DEFAULT_DELIVERY[event]) for event in Event.values}


class Preference(models.Model):
    """One person's choice for one kind of event; without a row the default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20, choices=Event.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_event_display()} — {self.get_delivery_display()}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def email_pending(self, delivery: str) -> "NotificationQuerySet":
        """Notifications still owed an e-mail of the kind ``delivery`` (at once or in a digest)."""
        return self.filter(delivery=delivery, emailed_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """Something that happened, for one person: shown in the admin, and e-mailed if they want it.

    ``text`` holds what the recipient may read: a note or comment of a story they may not see is
    never stored for them (``events.notify`` decides with ``articles.workflow``).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    story = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    headline = models.CharField(max_length=300, help_text="The story's headline (or slug line) when it happened.")
    link = models.CharField(max_length=300, blank=True, help_text="Where it happened in the admin, when not a story.")
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.ADMIN)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell: a person's unread count.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # E-mails still owed, found by the retry and digest jobs.
            models.Index(
                fields=["delivery", "created_at"],
                name="notification_email_pending",
                condition=Q(emailed_at__isnull=True) & ~Q(delivery="admin"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.headline}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def summary(self) -> str:
        """One line, as the bell's page and an e-mail's subject say it."""
        who = self.actor.get_full_name() or self.actor.get_username() if self.actor_id else "The newsroom"
        verbs = {
            Event.SUBMITTED: "submitted",
            Event.SENT_BACK: "sent back",
            Event.PUBLISHED: "published",
            Event.SCHEDULED: "scheduled",
            Event.CORRECTED: "added a correction to",
            Event.MENTIONED: "mentioned you on",
            Event.REPLIED: "replied to your comment on",
            Event.ASSIGNED: "assigned you",
            Event.DEADLINE_SOON: "reminds you: an hour to the deadline of",
            Event.OVERDUE: "reminds you: past the deadline of",
            Event.TAKEN_OVER: "took over",
            Event.WEBHOOK_DISABLED: "disabled the failing webhook endpoint",
        }
        return f"{who} {verbs[self.event]} “{self.headline}”"
