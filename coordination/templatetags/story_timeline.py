"""``{% story_timeline story timeline %}`` on a story's admin page: its workflow steps and notes, and, for
those who may read them, its comment threads, in one list by time."""

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.db.models import Count

from ..models import Comment
from ..permissions import may_comment

register = template.Library()


@dataclass(frozen=True)
class Entry:
    at: datetime
    step: object = None  # a workflow Transition (articles), with its note
    thread: Comment | None = None


@register.inclusion_tag("coordination/story_timeline.html", takes_context=True)
def story_timeline(context, story, steps) -> dict:
    """The story's steps (from its admin page) and comment threads, newest first; threads in one query,
    and only for someone who may read them."""
    user = context["request"].user
    allowed = story is not None and may_comment(user, story)
    entries = [Entry(step.at, step=step) for step in steps]
    if allowed:
        threads = (
            Comment.objects.filter(story=story, parent__isnull=True)
            .select_related("author")
            .annotate(reply_count=Count("replies"))
        )
        entries += [Entry(thread.created_at, thread=thread) for thread in threads]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return {"allowed": allowed, "story": story, "entries": entries}
