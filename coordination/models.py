"""Editorial comments: staff talking about a story, in threads, optionally about one quoted passage."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from articles.models import Article

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
