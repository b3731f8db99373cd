"""The content generation: reading it, moving it on, and what the content apps tell it.

Everything cached from what readers can see (whole pages, list lengths, sitemap
dates, the section tree) is kept under the current *content generation*, one
row in the database (``ContentGeneration``). A change readers could see moves it
on with an ``UPDATE`` in the same transaction as the change itself, so every
process on every server agrees the moment the change commits, whatever cache is
configured, and a rolled-back change moves nothing.

This app knows nothing of stories. Which changes readers can see is decided by
each content app, which calls ``content_changed()`` from receivers it connects
in its own ``AppConfig.ready()`` (``articles/invalidation.py``; ``authors``
through ``changes_are_public()``). Bulk writes that send no signals call
``everything_changed()`` themselves (``generate_newsroom``, ``restore``).

Content can also become visible later by itself (a scheduled or embargoed
story): a content app saving such content calls ``note_go_live()``, and
registers with ``register_schedule()`` how to look up the next such moment.
The first request after that moment starts a new generation
(``current_generation``).

Reading the generation costs one query, once per request (the middleware keeps
it for the request, see ``request_generation``).
"""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from django.db import connections, models, router, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Least
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import ContentGeneration

# The generation read for the request being handled, once (see request_generation()).
_request_memo: ContextVar[list | None] = ContextVar("content_generation_memo", default=None)
# The last generation this process read, kept for an outage (see pagecache.middleware).
last_known: ContentGeneration | None = None
# How to look up the next moment content becomes visible by itself (see register_schedule()).
_schedules: list[Callable[[], datetime | None]] = []


# --- What the content apps tell the page cache ---------------------------------------------------


def register_schedule(next_change: Callable[[], datetime | None]) -> None:
    """From a content app's ``ready()``: ``next_change()`` is the next moment its content becomes visible by itself.

    Looked up again after that moment has come and after bulk writes
    (``everything_changed``); ``None`` when nothing is scheduled.
    """
    if next_change not in _schedules:
        _schedules.append(next_change)


def changes_are_public(model: type[models.Model]) -> None:
    """From a content app's ``ready()``: every save or deletion of ``model`` is news to readers.

    For things with public pages of their own or shown on every page (sections, authors).
    """
    label = model._meta.label_lower
    post_save.connect(_public_thing_changed, sender=model, dispatch_uid=f"pagecache.public.save.{label}")
    post_delete.connect(_public_thing_changed, sender=model, dispatch_uid=f"pagecache.public.delete.{label}")


def _public_thing_changed(sender, instance, **kwargs) -> None:
    content_changed()


def content_changed(*, takedown: bool = False, goes_live_at: datetime | None = None) -> None:
    """Move the generation on, in the current transaction: what readers see has changed.

    ``takedown``: something readers could see is no longer visible, so no page from an
    earlier generation may be served, not even for the few seconds a stale copy is
    allowed while a page is rebuilt. ``goes_live_at``: something becomes visible then.
    """
    changes = {"number": F("number") + 1, "token": secrets.token_hex(8), "changed_at": timezone.now()}
    if takedown:
        changes["takedown_number"] = F("number") + 1
    if goes_live_at is not None:
        changes["next_change_at"] = _earliest(goes_live_at)
    _update(**changes)


def everything_changed() -> None:
    """After bulk writes that send no signals (``generate_newsroom``, ``restore``): nothing cached may be kept.

    Counted as a takedown (stories may have gone), and the next scheduled go-live looked up again.
    """
    content_changed(takedown=True)
    _update(next_change_at=next_scheduled_change())


def note_go_live(moment: datetime) -> None:
    """Something will become visible at ``moment``: start a new generation then, nothing now."""
    _update(next_change_at=_earliest(moment))


def next_scheduled_change() -> datetime | None:
    """The earliest moment any registered content becomes visible by itself."""
    moments = [moment for next_change in _schedules if (moment := next_change()) is not None]
    return min(moments, default=None)


# --- Reading the generation ----------------------------------------------------------------------


def current_generation() -> ContentGeneration:
    """The generation to read and store cached things under now.

    Starts a new one first if scheduled or embargoed content has gone live since the last.
    """
    global last_known
    memo = _request_memo.get()
    if memo:
        return memo[0]
    generation = _read_row() or _create_row()
    if generation.next_change_at and generation.next_change_at <= timezone.now():
        generation = _roll_over()
    if memo is not None:
        memo.append(generation)
    last_known = generation
    return generation


# Every request reads the row, a cached page's hit too: in plain SQL, since building and compiling the
# ORM's query cost more than half of a whole cache hit (bench/throughput.py).
_FIELDS = ("id", "number", "token", "changed_at", "next_change_at", "takedown_number")


def _read_row() -> ContentGeneration | None:
    using = router.db_for_read(ContentGeneration)
    connection = connections[using]
    table = connection.ops.quote_name(ContentGeneration._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(ContentGeneration._meta.get_field(name).column) for name in _FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return None
    pk, number, token, changed_at, next_change_at, takedown_number = row
    values = (pk, number, token, _moment(changed_at), _moment(next_change_at), takedown_number)
    return ContentGeneration.from_db(using, _FIELDS, values)


def _moment(value: datetime | str | None) -> datetime | None:
    """A stored time as the ORM gives it: aware, in UTC (SQLite's driver gives it as text, naive)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def current_generation_id() -> str:
    """Part of a cache key for anything derived from what readers can see (pages, counts)."""
    return current_generation().key


@contextmanager
def request_generation() -> Iterator[None]:
    """Read the generation at most once while handling one request (the middleware wraps each in this).

    A change saved by the request itself forgets it again (see ``content_changed``).
    """
    reset = _request_memo.set([])
    try:
        yield
    finally:
        _request_memo.reset(reset)


def create_generation_row(using: str = "default", **kwargs) -> None:
    """post_migrate (``migrate``, ``flush``): the row exists before the first request needs it."""
    _create_row(using)


# --- The row ---------------------------------------------------------------------------------------


def _earliest(moment: datetime):
    return Least(Coalesce(F("next_change_at"), Value(moment)), Value(moment))


def _update(**changes) -> None:
    if not ContentGeneration.objects.filter(pk=1).update(**changes):
        _create_row()
        ContentGeneration.objects.filter(pk=1).update(**changes)
    memo = _request_memo.get()
    if memo:
        memo.clear()  # this request changed content: read the generation again when next needed


def _create_row(using: str = "default") -> ContentGeneration:
    """The one row; a random token, so that a new database never names pages cached from another."""
    generation, _ = ContentGeneration.objects.using(using).get_or_create(pk=1, defaults={"token": secrets.token_hex(8)})
    return generation


def _roll_over() -> ContentGeneration:
    """Scheduled content has gone live: a new generation, and the next such moment looked up again.

    Under the row's lock, so that content scheduled meanwhile is not forgotten and
    concurrent requests roll over once.
    """
    with transaction.atomic():
        generation = ContentGeneration.objects.select_for_update().get(pk=1)
        if generation.next_change_at and generation.next_change_at <= timezone.now():
            ContentGeneration.objects.filter(pk=1).update(
                number=F("number") + 1,
                token=secrets.token_hex(8),
                changed_at=timezone.now(),
                next_change_at=next_scheduled_change(),
            )
            generation.refresh_from_db()
    return generation
