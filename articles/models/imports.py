"""Where imported copy came from, so that the same item is never imported twice."""

from django.db import models
from django.utils import timezone

from .stories import Article


class ImportedItem(models.Model):
    """Where an imported story came from, so the same item is never imported twice.

    ``identity`` says what the item is (``text:<sha256 of the text>``,
    ``ninjs:<uri>``, ``feed:<feed>#<item>``); it can be long, so uniqueness is
    enforced on ``key``, its SHA-256. ``content_hash`` tells a changed version of
    the same item (an agency's update) from a repeat of one already imported.
    """

    class Origin(models.TextChoices):
        TEXT = "text", "Plain-text file"
        NINJS = "ninjs", "IPTC ninjs"
        FEED = "feed", "RSS or Atom feed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="imports")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    identity = models.TextField(help_text="What the item is: text:<sha256>, ninjs:<uri> or feed:<feed>#<item>.")
    key = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the identity.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the content last imported.")
    original_url = models.URLField("original link", max_length=1000, blank=True)
    source_published_at = models.DateTimeField(
        "published by the source", null=True, blank=True, help_text="When the agency or partner published it."
    )
    created_at = models.DateTimeField("first imported", default=timezone.now)
    updated_at = models.DateTimeField("last updated", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["key"], name="unique_imported_item")]

    def __str__(self) -> str:
        return self.identity
