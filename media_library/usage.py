"""Where a picture's page says it is used, naming only the stories its viewer may open in the back office.

Stories live in ``articles``, above this app; it registers here its rule for who may see which story
(``articles.workflow.visible_to``), so that a journalist looking at a picture is not shown the headline
of another journalist's draft that uses it, only that one more story does. Without a rule, all are named.
Authors have public pages: they are always named.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import QuerySet

from .models import Image, Usage

# Who is looking at the picture's page: the admin's display methods are given the picture, not the request.
viewer: ContextVar = ContextVar("media_library_viewer", default=None)
_rule: Callable[[object, QuerySet], QuerySet] | None = None


def register_story_visibility(rule: Callable[[object, QuerySet], QuerySet]) -> None:
    """``rule(user, stories)`` narrows ``stories`` to those ``user`` may see (called once, at start-up)."""
    global _rule
    _rule = rule


@contextmanager
def viewed_by(user) -> Iterator[None]:
    token = viewer.set(user)
    try:
        yield
    finally:
        viewer.reset(token)


def visible(stories: QuerySet) -> QuerySet:
    user = viewer.get()
    return stories if _rule is None or user is None else _rule(user, stories)


def named_usages(image: Image) -> tuple[list[Usage], int]:
    """The picture's uses the viewer may see, and how many others there are (one more query when stories use it)."""
    uses = image.usages()
    stories = image.lead_of.model
    story_pks = {use.holder.pk for use in uses if isinstance(use.holder, stories)}
    openable = (
        set(visible(stories._default_manager.filter(pk__in=story_pks)).values_list("pk", flat=True))
        if story_pks
        else set()
    )
    named = [use for use in uses if not isinstance(use.holder, stories) or use.holder.pk in openable]
    return named, len(uses) - len(named)
