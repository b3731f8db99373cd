"""``Image``: a picture in the media library, with what a newsroom must know to publish it.

The file is handled by the ``images`` pipeline like every picture (``images.uploads.PictureField``: checked,
stripped of its metadata, stored under a random name; ``images.lifecycle``: renditions and focal-point
crops made after the commit). What the library adds is knowledge about the picture: who made it, who owns
it, under which terms it may be shown and until when, what it shows (alt text, always), and where its
subject is (the focal point every crop is centred on).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from images.renditions import Crop, crops, renditions
from images.templatetags.pictures import renditions_ready
from images.uploads import PictureField, RandomImagePath, validate_image_file

FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Licence(models.TextChoices):
    STAFF = "staff", "Staff (our own)"
    AGENCY = "agency", "Agency"
    HANDOUT = "handout", "Handout"
    LICENSED = "licensed", "Licensed"
    PUBLIC_DOMAIN = "public-domain", "Public domain"


class Orientation(models.TextChoices):
    LANDSCAPE = "landscape", "Landscape"
    PORTRAIT = "portrait", "Portrait"
    SQUARE = "square", "Square"


class TaggedImage(TaggedItemBase):
    """Typed tag link, as for stories: a real foreign key joins faster than taggit's generic one."""

    content_object = models.ForeignKey("Image", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = "tag on picture"
        verbose_name_plural = "tags on pictures"
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_image")]


def licence_expired(path: str = "", on: datetime.date | None = None) -> Q:
    """The rule for a licence that has run out ``on`` that day (today by default), for pictures or, with ``path``
    (``"lead_picture__"``), for rows using one: such a picture may not be shown."""
    return Q(**{f"{path}licence_expires__lt": on or timezone.localdate()})


def licence_has_expired(expires: datetime.date | None, on: datetime.date | None = None) -> bool:
    """The rule of ``licence_expired()`` for one licence's end (``Image.licence_expires``, read without its row)."""
    return expires is not None and expires < (on or timezone.localdate())


class ImageQuerySet(models.QuerySet):
    def expired(self, on: datetime.date | None = None) -> "ImageQuerySet":
        """Pictures whose licence has run out ``on`` that day (today by default): they may not be shown."""
        return self.filter(licence_expired(on=on))

    def usable(self, on: datetime.date | None = None) -> "ImageQuerySet":
        """Pictures that may be put in a story: no licence expiry, or one still to come."""
        on = on or timezone.localdate()
        return self.filter(Q(licence_expires__isnull=True) | Q(licence_expires__gte=on))

    def oriented(self, orientation: str) -> "ImageQuerySet":
        """Landscape, portrait or square, from the stored (upright) width and height."""
        lookups = {
            Orientation.LANDSCAPE: Q(width__gt=models.F("height")),
            Orientation.PORTRAIT: Q(width__lt=models.F("height")),
            Orientation.SQUARE: Q(width=models.F("height")),
        }
        return self.filter(lookups[Orientation(orientation)])

    def matching(self, words: str) -> "ImageQuerySet":
        """Pictures whose alt text, caption, credit or a tag holds every word of ``words``."""
        found = self
        for word in words.split():
            found = found.filter(
                Q(alt_text__icontains=word)
                | Q(caption__icontains=word)
                | Q(credit__icontains=word)
                | Q(pk__in=TaggedImage.objects.filter(tag__name__icontains=word).values("content_object"))
            )
        return found


# Where a picture can be used: (what the use is called, the reverse accessor of the rows using it, and the
# field of those rows holding the user, "" when the row is the user itself). The models using pictures sit
# above this app and point at it with ``on_delete=PROTECT``, so a picture in use cannot be deleted; this list
# names them without importing them. Each line costs its picture's page one query.
USES: list[tuple[str, str, str]] = [
    ("lead picture", "lead_of", ""),
    ("in the body", "body_of", "article"),  # figures and galleries (``articles.BodyPicture``)
    ("author's photo", "portrait_of", ""),
]


@dataclass(frozen=True)
class Usage:
    """One use of a picture: what kind of use, and the row using it (a story, an author…)."""

    kind: str
    holder: models.Model

    def admin_url(self) -> str:
        meta = self.holder._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.holder.pk])


class Image(models.Model):
    file = PictureField(
        upload_to=RandomImagePath("media"),
        validators=[validate_image_file],
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, WebP or GIF, up to 10 MB. Whatever the camera recorded (place, device) is removed.",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it. Required: no picture is published without.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text="Shown with the picture, e.g. “Jane Roe / Reuters”."
    )
    copyright_holder = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.STAFF)
    usage_terms = models.TextField(
        blank=True, help_text="What the licence allows and forbids, as agreed (e.g. “web only, no social media”)."
    )
    source_url = models.URLField("source URL", max_length=500, blank=True)
    licence_expires = models.DateField(
        "licence expires",
        null=True,
        blank=True,
        help_text="For licensed pictures: the last day the picture may be shown. Empty: no end.",
    )
    focal_x = models.FloatField(
        "focal point, from the left", default=0.5, validators=FRACTION, help_text="0 is the left edge, 1 the right."
    )
    focal_y = models.FloatField(
        "focal point, from the top", default=0.5, validators=FRACTION, help_text="0 is the top edge, 1 the bottom."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    tags = TaggableManager(through=TaggedImage, blank=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = "picture"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="focal_point_inside_the_picture",
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="picture_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.alt_text or f"Picture {self.pk}"

    def get_absolute_url(self) -> str:
        # The library page is staff-only: a picture has no public page of its own.
        return reverse("admin:media_library_image_change", args=[self.pk])

    def get_orientation_display(self) -> str:
        return Orientation(self.orientation).label if self.orientation else ""

    @property
    def orientation(self) -> str:
        if not (self.width and self.height):
            return ""
        if self.width == self.height:
            return Orientation.SQUARE
        return Orientation.LANDSCAPE if self.width > self.height else Orientation.PORTRAIT

    def usages(self) -> list[Usage]:
        """Every use of this picture, kind by kind as ``USES`` lists them: one query per kind."""
        found = []
        for kind, accessor, field in USES:
            rows = getattr(self, accessor).all()
            rows = rows.select_related(field).order_by(f"{field}_id") if field else rows.order_by("pk")
            found += [Usage(kind, getattr(row, field) if field else row) for row in rows]
        return found

    def licence_expired(self, on: datetime.date | None = None) -> bool:
        return licence_has_expired(self.licence_expires, on)

    @property
    def focal_point(self) -> tuple[float, float]:
        return (self.focal_x, self.focal_y)

    def rendition_url(self, widest: int) -> str:
        """The widest JPEG rendition no wider than ``widest`` (else the smallest): its address, with no query
        and no look at storage; "" for an unreadable file."""
        if not (self.file and self.width and self.height):
            return ""
        if not renditions_ready(self.file):
            # A worker is still making them (seconds after an upload): the original, never a broken image.
            return self.file.url
        jpegs = renditions(self.file.name, self.width, self.height, "jpg")
        chosen = max((r for r in jpegs if r.width <= widest), key=lambda r: r.width, default=jpegs[0])
        return self.file.storage.url(chosen.name)

    def thumbnail_url(self) -> str:
        """The smallest rendition, for the library page and the chooser."""
        return self.rendition_url(0)

    def crops(self) -> list[Crop]:
        """The focal-point crops (16:9, 4:3, 1:1), widest ratio first, as ``images.renditions`` names them."""
        if not (self.file and self.width and self.height):
            return []
        return crops(self.file.name, self.width, self.height, self.focal_point)

    def crop_urls(self) -> list[str]:
        """The crops' addresses, for a NewsArticle's JSON-LD ``image`` list."""
        return [self.file.storage.url(crop.name) for crop in self.crops()]

    def image_objects(self, absolute: Callable[[str], str]) -> list[dict]:
        """schema.org ``ImageObject``s of the crops, with caption, credit and copyright, for a NewsArticle's
        ``image``. ``absolute`` makes an address absolute (``request.build_absolute_uri``)."""
        about = {"caption": self.caption, "creditText": self.credit, "copyrightNotice": self.copyright_holder}
        return [
            {
                "@type": "ImageObject",
                "url": absolute(self.file.storage.url(crop.name)),
                "width": crop.width,
                "height": crop.height,
                **{key: value for key, value in about.items() if value},
            }
            for crop in self.crops()
        ]
