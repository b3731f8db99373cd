"""The newsroom's coordination records: editorial comments on a story, and plans (assignments) for stories."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Section

# "@name" not inside a word or an e-mail address; usernames may hold letters, digits and @.+-_
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+[\w+-]|[\w+-])")


class CommentQuerySet(models.QuerySet):
    def threads(self) -> "CommentQuerySet":
        """Top-level comments, each with its replies and everyone's names, in three queries."""
        replies = Comment.objects.select_related("author").order_by("created_at", "pk")
        return (
            self.filter(parent__isnull=True)
            .select_related("author", "resolved_by")
            .prefetch_related(models.Prefetch("replies", queryset=replies))
            .order_by("created_at", "pk")
        )


class Comment(models.Model):
    """A comment on a story, or a reply to one. Never shown to readers: only in the admin, to its staff."""

    story = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(help_text="Plain text; @username tells a colleague.")
    quote = models.TextField(blank=True, help_text="The passage of the story's body this comment is about.")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["story", "created_at"], name="comment_story_created")]

    def __str__(self) -> str:
        return f"Comment on “{self.story}”"

    def clean(self) -> None:
        if not self.body.strip():
            raise ValidationError({"body": "Write a comment."})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError("Reply to the thread's first comment.")
        if self.parent_id and self.parent.story_id != self.story_id:
            raise ValidationError("A reply belongs to the same story.")
        if self.quote and self.quote.strip() not in self.story.body:
            raise ValidationError({"quote": "Quote a passage exactly as it is in the story's body."})

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    def mentioned_users(self):
        """Active staff named with @username in the body."""
        names = set(MENTION.findall(self.body))
        if not names:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(username__in=names, is_active=True, is_staff=True)


class PlanQuerySet(models.QuerySet):
    def between(self, start, end) -> "PlanQuerySet":
        """Plans due, or planned to appear, in [start, end)."""
        return self.filter(Q(deadline__gte=start, deadline__lt=end) | Q(publish_at__gte=start, publish_at__lt=end))

    def unfinished(self) -> "PlanQuerySet":
        """Plans whose story is not yet filed: none written, or a draft, or sent back."""
        return self.filter(
            Q(story__isnull=True) | Q(story__status__in=[Article.Status.DRAFT, Article.Status.SENT_BACK])
        )

    def for_budget(self) -> "PlanQuerySet":
        return self.select_related("section", "story", "assigned_by").prefetch_related("assignees")


class Plan(models.Model):
    """A story planned before (and while) it is written: who writes it, by when, for when, how long.

    The story's own life stays in ``articles.workflow``; a plan only points at the story once it exists.
    """

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    slug_line = models.CharField(
        "working headline", max_length=200, help_text="What the desk calls it until it has a headline."
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    deadline = models.DateTimeField(help_text="When the copy is due on the desk.")
    publish_at = models.DateTimeField("planned publication", null=True, blank=True)
    expected_words = models.PositiveIntegerField("expected length (words)", null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    notes = models.TextField(blank=True)
    story = models.OneToOneField(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="plan", help_text="Once it is written."
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Each reminder is sent once: set in the same UPDATE that claims it (``reminders.py``).
    reminded_soon_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "-priority", "pk"]
        indexes = [
            models.Index(fields=["deadline"], name="plan_deadline"),
            models.Index(fields=["publish_at"], name="plan_publish_at"),
        ]

    def __str__(self) -> str:
        return self.slug_line

    def clean(self) -> None:
        if self.publish_at and self.deadline and self.publish_at < self.deadline:
            raise ValidationError({"publish_at": "The planned publication comes after the deadline."})

    @property
    def state(self) -> str:
        """Where the planned story is: “Planned” until written, then the story's own state."""
        return self.story.state_label if self.story_id else "Planned"

    @property
    def in_progress(self) -> bool:
        return self.story_id is None or self.story.status in (Article.Status.DRAFT, Article.Status.SENT_BACK)

    def is_overdue(self, now=None) -> bool:
        """Past its deadline and not yet filed."""
        return self.in_progress and self.deadline < (now or timezone.now())

    @property
    def word_count(self) -> int | None:
        return len(self.story.body.split()) if self.story_id else None
