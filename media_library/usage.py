"""Which stories a picture's page names: only those its viewer may open in the back office.

Stories live in ``articles``, above this app; it registers here its rule for who may see which story
(``articles.workflow.visible_to``), so that a journalist looking at a picture is not shown the headline
of another journalist's draft that uses it, only that one more story does. Without a rule, all are named.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.db.models import QuerySet

# Who is looking at the picture's page: the admin's display methods are given the picture, not the request.
viewer: ContextVar = ContextVar("media_library_viewer", default=None)
_rule: Callable[[object, QuerySet], QuerySet] | None = None


def register_story_visibility(rule: Callable[[object, QuerySet], QuerySet]) -> None:
    """``rule(user, stories)`` narrows ``stories`` to those ``user`` may see (called once, at start-up)."""
    global _rule
    _rule = rule


def visible(stories: QuerySet) -> QuerySet:
    user = viewer.get()
    return stories if _rule is None or user is None else _rule(user, stories)
