"""Who has a story open in the form, kept in Django's cache (Redis in production), so every server agrees.

Each person with the form open sends a heartbeat; their entry lives in the cache for
``DESK_PRESENCE_STALE_SECONDS`` and is gone that long after the last one, so a closed tab or a crashed
laptop disappears without anyone cleaning up. A story keeps the list of who has had it open (one
small key); entries that expired are simply not found.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article

MEMBERS_SECONDS = 24 * 3600

# Sent after ``take_over()`` with ``story``, ``editor`` and ``editing`` (the others who had it open), so
# that whoever tells people of things (``notifications``) can, without the desk knowing of it.
story_taken_over = Signal()


@dataclass(frozen=True)
class Editing:
    user_id: int
    name: str
    since: datetime


def display_name(user: AbstractBaseUser) -> str:
    author = getattr(user, "author", None)
    return (author.name if author else "") or user.get_full_name() or user.get_username()


def _entry_key(story_id: int, user_id: int) -> str:
    return f"desk:presence:{story_id}:{user_id}"


def _members_key(story_id: int) -> str:
    return f"desk:presence:{story_id}"


def _takeover_key(story_id: int) -> str:
    return f"desk:takeover:{story_id}"


def heartbeat(story: Article, user: AbstractBaseUser) -> None:
    """``user`` has the story open now."""
    key = _entry_key(story.pk, user.pk)
    entry = cache.get(key)
    since = entry["since"] if entry else timezone.now().isoformat()
    cache.set(key, {"name": display_name(user), "since": since}, timeout=settings.DESK_PRESENCE_STALE_SECONDS)
    members = cache.get(_members_key(story.pk), [])
    if user.pk not in members:
        # Two first heartbeats at once may lose one of the two additions; the next heartbeat adds it again.
        cache.set(_members_key(story.pk), [*members, user.pk], timeout=MEMBERS_SECONDS)


def leave(story: Article, user: AbstractBaseUser) -> None:
    """``user`` closed the form: gone at once rather than when the entry goes stale."""
    cache.delete(_entry_key(story.pk, user.pk))


def others_editing(story: Article, user: AbstractBaseUser) -> list[Editing]:
    """Everyone but ``user`` with the story open, longest first."""
    members = [member for member in cache.get(_members_key(story.pk), []) if member != user.pk]
    entries = cache.get_many([_entry_key(story.pk, member) for member in members])
    editing = [
        Editing(member, entry["name"], parse_datetime(entry["since"]))
        for member in members
        if (entry := entries.get(_entry_key(story.pk, member)))
    ]
    return sorted(editing, key=lambda person: person.since)


def take_over(story: Article, editor: AbstractBaseUser) -> int:
    """``editor`` takes the story over: every form opened before now will be refused as an edit conflict.

    The story's version moves on without a save (no revision, no page-cache change, nothing readers see),
    which is what makes the others' next save conflict; the editor's own form carries the new version.
    """
    Article.objects.filter(pk=story.pk).update(version=F("version") + 1)
    story.refresh_from_db(fields=["version"])
    cache.set(
        _takeover_key(story.pk),
        {"by": editor.pk, "name": display_name(editor), "at": timezone.now().isoformat(), "version": story.version},
        timeout=MEMBERS_SECONDS,
    )
    story_taken_over.send(sender=Article, story=story, editor=editor, editing=others_editing(story, editor))
    return story.version


def taken_over(story: Article, user: AbstractBaseUser, opened_version: int | None) -> dict | None:
    """Who took the story over after ``user`` opened it at ``opened_version``, if anyone did."""
    record = cache.get(_takeover_key(story.pk))
    if not record or record["by"] == user.pk or opened_version is None or opened_version >= record["version"]:
        return None
    return record
