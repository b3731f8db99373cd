"""Writing, replying to, resolving and reopening comments: each checks who may, then tells whom it concerns."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from notifications.events import notify
from notifications.models import Event

from .models import Comment
from .permissions import may_comment


def _require(user: AbstractBaseUser, story: Article) -> None:
    if not may_comment(user, story):
        raise PermissionDenied("You cannot comment on this story.")


@transaction.atomic
def add_comment(
    story: Article, user: AbstractBaseUser, *, body: str, quote: str = "", parent: Comment | None = None
) -> Comment:
    """Save a comment (``ValidationError`` if it is empty, quotes what the body does not hold, or replies to a reply).

    Mentioned staff are told (``mentioned``), and so is the author of the comment replied to (``replied``).
    """
    _require(user, story)
    comment = Comment(story=story, author=user, body=body.strip(), quote=quote.strip(), parent=parent)
    comment.full_clean()
    comment.save()
    mentioned = list(comment.mentioned_users())
    notify(mentioned, Event.MENTIONED, story, actor=user, text=comment.body)
    if parent is not None and parent.author_id and parent.author not in mentioned:
        notify([parent.author], Event.REPLIED, story, actor=user, text=comment.body)
    return comment


def set_resolved(comment: Comment, user: AbstractBaseUser, *, resolved: bool) -> Comment:
    """Resolve a thread, or reopen it."""
    _require(user, comment.story)
    if comment.parent_id:
        comment = comment.parent
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = user if resolved else None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment
