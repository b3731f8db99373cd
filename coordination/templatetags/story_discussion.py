"""``{% story_discussion story %}`` on a story's admin page: its comment threads, for those who may read them."""

from django import template
from django.db.models import Count

from ..models import Comment
from ..permissions import may_comment

register = template.Library()


@register.inclusion_tag("coordination/story_discussion.html", takes_context=True)
def story_discussion(context, story) -> dict:
    """Every thread with its reply count, newest first, in one query; nothing for someone who may not read them."""
    user = context["request"].user
    if story is None or not may_comment(user, story):
        return {"allowed": False}
    threads = (
        Comment.objects.filter(story=story, parent__isnull=True)
        .select_related("author")
        .annotate(reply_count=Count("replies"))
        .order_by("-created_at", "-pk")
    )
    return {"allowed": True, "story": story, "threads": threads}
