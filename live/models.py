"""Live coverage: a story that is a live blog (``LiveCoverage``) and its timed posts (``LivePost``).

A live story is an ordinary ``Article`` (headline, standfirst, section, bylines, lead picture, the
workflow) with a ``LiveCoverage`` beside it: the key points editors keep current, whether the journalists
on its byline may post without approval, and when the coverage ended. Readers see a post when
``LivePost.objects.public()`` says so: the one rule, reused by every surface (the live page, its update
endpoint, structured data, invalidation).
"""

import html
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles.body_media import BodyMedia, render_body
from articles.models import Article, SharingImage
from articles.rendering import render_markdown
from authors.models import Author


class LiveCoverage(models.Model):
    """What makes a story a live story."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="live_coverage", verbose_name="story"
    )
    key_points = models.TextField(
        blank=True,
        help_text="The summary readers see at the top, kept current by editors. Markdown: “- ” for each point.",
    )
    key_points_html = models.TextField(editable=False, default="")
    direct_posting = models.BooleanField(
        "journalists on the byline post directly",
        default=False,
        help_text="On a published live story, their posts go live at once; otherwise an editor approves each.",
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When an editor closed the coverage."
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = "live story"
        verbose_name_plural = "live stories"

    def __str__(self) -> str:
        return self.article.title

    def save(self, *args, **kwargs) -> None:
        self.key_points_html = render_markdown(self.key_points)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "key_points_html"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def started_at(self) -> datetime | None:
        """When the coverage began for readers: the story's publication."""
        return self.article.live_from

    @cached_property
    def key_points_media(self) -> BodyMedia:
        return render_body(self.key_points_html)


class LivePostQuerySet(models.QuerySet):
    def public(self) -> "LivePostQuerySet":
        """Posts readers may see: the single rule for every public surface.

        Published (an editor approved it, or its author could post directly) on a live story that
        ``Article.objects.published()`` lets through. A deleted post is gone from the table.
        """
        return self.filter(status=LivePost.Status.PUBLISHED, coverage__article__in=Article.objects.published())

    def awaiting_approval(self) -> "LivePostQuerySet":
        return self.filter(status=LivePost.Status.PENDING)

    def newest_first(self) -> "LivePostQuerySet":
        return self.order_by("-posted_at", "-pk")

    def for_page(self) -> "LivePostQuerySet":
        """What a post on the live page shows, authors included, in two queries for any number of posts."""
        return self.prefetch_related(
            models.Prefetch("authors", queryset=Author.objects.select_related("photo").order_by("name"))
        )


class LivePost(models.Model):
    """A short, timed post on a live story."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        PUBLISHED = "published", "Published"

    coverage = models.ForeignKey(LiveCoverage, on_delete=models.CASCADE, related_name="posts")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    posted_at = models.DateTimeField(default=timezone.now, help_text="The time readers see on the post.")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        help_text="Markdown, as in stories: pictures, galleries and embeds too (see the story form)."
    )
    body_html = models.TextField(editable=False, default="")
    authors = models.ManyToManyField("authors.Author", related_name="live_posts", blank=True)
    key_event = models.BooleanField(default=False, help_text="Listed among the key events at the top.")
    pinned = models.BooleanField(default=False, help_text="Shown first, above the newest posts.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LivePostQuerySet.as_manager()

    class Meta:
        verbose_name = "live post"
        ordering = ["-posted_at", "-pk"]
        permissions = [("approve_livepost", "Can approve live posts")]
        indexes = [
            models.Index(fields=["coverage", "status", "-posted_at", "-id"], name="livepost_newest"),
            models.Index(fields=["status", "created_at"], name="livepost_awaiting"),
        ]
        constraints = [
            # At most one pinned post per live story, kept by the workflow too (pinning unpins the other).
            models.UniqueConstraint(fields=["coverage"], condition=Q(pinned=True), name="one_pinned_post"),
        ]

    def __str__(self) -> str:
        return self.title or self.summary

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    @property
    def summary(self) -> str:
        """The post in a few words, for lists, key events and headlines."""
        return Truncator(self.text).words(12)

    @property
    def text(self) -> str:
        """The body as plain text (strip_tags leaves entities behind; plain text has none)."""
        return html.unescape(strip_tags(self.body_html)).strip()

    @property
    def headline(self) -> str:
        return self.title or self.summary

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"

    @property
    def share_title(self) -> str:
        """The post's title on a social card; without one, the story's headline and the post's time."""
        if self.title:
            return self.title
        return f"{self.coverage.article.title}, {dateformat.format(timezone.localtime(self.posted_at), 'H:i, j F Y')}"

    @property
    def share_description(self) -> str:
        return Truncator(self.text).chars(200)

    @property
    def sharing_image(self) -> SharingImage | None:
        """The picture of the post's card: its first picture readers see, else the story's (None: the site's)."""
        pictures = self.body_media.pictures
        if pictures:
            image = pictures[0]
            return SharingImage(image.file, image.width, image.height, image.alt_text)
        return self.coverage.article.sharing_image

    @cached_property
    def body_media(self) -> BodyMedia:
        return render_body(self.body_html)

    @cached_property
    def author_list(self) -> list:
        return list(self.authors.all())


class LivePostRevision(models.Model):
    """A record of a post's life: created, edited, approved, deleted; kept after a deletion (for the desk only)."""

    class Action(models.TextChoices):
        CREATED = "created", "Posted"
        SUBMITTED = "submitted", "Sent for approval"
        APPROVED = "approved", "Approved"
        EDITED = "edited", "Edited"
        DELETED = "deleted", "Deleted"

    coverage = models.ForeignKey(LiveCoverage, on_delete=models.CASCADE, related_name="post_revisions")
    post = models.ForeignKey(LivePost, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions")
    post_number = models.PositiveIntegerField(help_text="The post's id, kept after it is deleted.")
    action = models.CharField(max_length=20, choices=Action.choices)
    content = models.JSONField(help_text="The post as it was after this step (before it, for a deletion).")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: post {self.post_number}"
