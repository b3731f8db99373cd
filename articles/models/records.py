"""The workflow's records: transitions, revisions, corrections, preview links and their uses."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .stories import Article


class Transition(models.Model):
    """One step of a story through the workflow: who moved it, when, from where to where, and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    action = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["article", "at"], name="transition_article_at")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Revision(models.Model):
    """A snapshot of a story's editable content, taken at every save; restoring one makes a new one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField(help_text="The story's content fields as they were saved.")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"Revision {self.number} of “{self.article}”"


class CorrectionQuerySet(models.QuerySet):
    def public(self) -> "CorrectionQuerySet":
        """Corrections readers may see: those on stories ``published()`` lets through."""
        return self.filter(article__in=Article.objects.published())


class Correction(models.Model):
    """A note appended to a published story: a correction, a clarification or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(help_text="Plain text, shown to readers at the end of the story.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="correction_newest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to “{self.article}”"


class PreviewLinkQuerySet(models.QuerySet):
    def ended_before(self, moment) -> "PreviewLinkQuerySet":
        """Links that had stopped working (expired or revoked) before ``moment``."""
        return self.filter(models.Q(expires_at__lt=moment) | models.Q(revoked_at__lt=moment))


class PreviewLink(models.Model):
    """A secret link showing one unpublished story to someone without an account.

    Only a hash of the token is stored: the link itself is shown once, when it
    is made, so a copy of the database opens no previews.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(max_length=120, blank=True, help_text="Who it is for, e.g. “Lawyer, quote check”.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Preview of “{self.article}” for {self.label or 'someone'}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class PreviewLinkUse(models.Model):
    """Every opening of a preview link, for the record."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    allowed = models.BooleanField(help_text="False when the link had expired or been revoked.")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.link} opened {self.at:%Y-%m-%d %H:%M}"
