"""Where copy comes from: agencies, partners, the paper itself."""

from django.db import models

from common.slugs import SlugFromName


class Source(SlugFromName, models.Model):
    """Where a story's material came from: an agency, a partner, a press release…"""

    class Kind(models.TextChoices):
        WIRE = "wire", "Wire agency"
        PARTNER = "partner", "Partner outlet"
        PRESS_RELEASE = "press_release", "Press release"
        OWN = "own", "Own reporting"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    url = models.URLField("URL", blank=True, help_text="If set, the attribution on stories links here.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
