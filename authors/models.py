from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from common.slugs import SlugFromName


class AuthorQuerySet(models.QuerySet):
    def on_staff_list(self) -> "AuthorQuerySet":
        return self.filter(is_active=True)

    def with_photos(self) -> "AuthorQuerySet":
        """With each author's library photo in the same query, for pages that show them."""
        return self.select_related("photo")


class Author(SlugFromName, models.Model):
    """A byline: a person credited with writing stories.

    Most authors are staff who log in as a linked ``User``; contributors and
    wire reporters are authors without an account.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    role = models.CharField(max_length=120, blank=True, help_text="Shown under the name, e.g. “World correspondent”.")
    bio = models.TextField(blank=True, help_text="Plain text, shown in “About the author” boxes.")
    photo = models.ForeignKey(
        "media_library.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portrait_of",
        help_text="Choose from the media library; its alt text, credit and rights go with it.",
    )
    email = models.EmailField(blank=True, help_text="Public contact address; leave empty to hide.")
    website = models.URLField(blank=True)
    x_handle = models.CharField(
        "X (Twitter) handle",
        max_length=15,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_]{1,15}$", "Letters, digits and underscores, without the @.")],
    )
    mastodon_url = models.URLField("Mastodon profile", blank=True)
    bluesky_url = models.URLField("Bluesky profile", blank=True)
    linkedin_url = models.URLField("LinkedIn profile", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account that writes as this author.",
    )
    is_active = models.BooleanField(
        "on the staff list", default=True, help_text="Former staff keep their page but leave the list."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def portrait(self):
        """The photo readers see, a library picture (load it with ``select_related("photo")``); None without one
        or once its licence has run out, as for a story's lead picture."""
        if not self.photo_id or self.photo.licence_expired():
            return None
        return self.photo

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, URL) pairs for the author's public links, in display order."""
        candidates = [
            ("Website", self.website),
            ("X", f"https://x.com/{self.x_handle}" if self.x_handle else ""),
            ("Mastodon", self.mastodon_url),
            ("Bluesky", self.bluesky_url),
            ("LinkedIn", self.linkedin_url),
        ]
        return [(label, url) for label, url in candidates if url]
