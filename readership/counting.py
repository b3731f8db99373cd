"""Counting reads: what is counted, how it is written, what is kept, and the most-read list.

**Counted**: one read each time an anonymous reader gets a page its content app marked as a read
(``count_as``: the story page, for ``articles``), with status 200, whether the page came from the page
cache or was rendered: ``ReadershipMiddleware`` sits outside the page cache, so caching is not
defeated and hits are counted like misses. A browser revalidating a page it already has counts too
(the page is answered before ``ConditionalGetMiddleware`` turns it into a 304).

**Not counted**: bots, crawlers, link previewers, monitors and scripts, known by their User-Agent
(``BOT_AGENTS``), and requests without one; prefetches and prerenders (``Sec-Purpose`` or
``Purpose``); ``HEAD`` and every other method; staff (any request with a session cookie). Reads
answered by a CDN in front of the site (``PAGE_CACHE_SHARED_SECONDS``) never reach it and are not counted.

**Kept**: for each story and each hour, a number (``HourlyReads``), deleted after ``READERSHIP_DAYS``
by beat's ``forget-old-reads``. No cookie is set or read, and no address, User-Agent, referrer or
anything else about the reader is stored or logged by this app; no script runs in the page and
nothing is sent to anyone else.

**Written in batches**: each process adds reads up in memory and writes them in one statement (an
upsert that adds to each hour's row) at most every ``READERSHIP_FLUSH_SECONDS``, from the request that
finds that time passed, and when the process stops. Once written, counts survive restarts; a process
killed without warning loses at most those few seconds. A write that fails (the database away) keeps
its counts for the next one, up to ``READERSHIP_MAX_PENDING`` items.
"""

import logging
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import HourlyReads

logger = logging.getLogger(__name__)

# The response header by which a view marks its page as a read of an id; the page cache stores it
# with the page, and ReadershipMiddleware takes it off before the response leaves.
READ_HEADER = "X-Readership-Item"

# User-Agents of software rather than readers: search and AI crawlers, link previewers (social
# networks, chat apps), monitors, performance tools, headless browsers and HTTP libraries.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|scrape|archiver|fetch|preview|monitor|uptime|pingdom|lighthouse|pagespeed|"
    r"headless|phantomjs|facebookexternalhit|embedly|quora link|whatsapp|telegram|discord|skype|"
    r"curl|wget|python|httpx|aiohttp|go-http|java/|okhttp|libwww|node-fetch|axios|feed|rss|validator",
    re.IGNORECASE,
)

_lock = threading.Lock()
_pending: Counter = Counter()  # (item id, hour) → reads not yet written
_last_write = time.monotonic()


def count_as(response: HttpResponse, item_id: int) -> None:
    """Mark ``response`` as a read of ``item_id``, to be counted if a reader (not a bot) gets it."""
    response[READ_HEADER] = str(item_id)


def is_reader(request: HttpRequest) -> bool:
    """Whether ``request`` is a reader's GET worth counting (see the module's docstring)."""
    if request.method != "GET" or request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    agent = request.headers.get("User-Agent", "")
    return bool(agent.strip()) and BOT_AGENTS.search(agent) is None


def record(item_id: int, *, at: datetime | None = None) -> None:
    """Count one read of ``item_id`` now (or ``at``); written with the next batch."""
    hour = (at or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    with _lock:
        _pending[(item_id, hour)] += 1
        due = time.monotonic() - _last_write >= settings.READERSHIP_FLUSH_SECONDS
    if due:
        flush()


def pending() -> int:
    """Reads counted by this process and not written yet."""
    return sum(_pending.values())


def flush() -> int:
    """Write this process's pending reads in one statement; returns how many were written."""
    global _pending, _last_write
    with _lock:
        batch, _pending = _pending, Counter()
        _last_write = time.monotonic()
    if not batch:
        return 0
    try:
        _write(batch)
    except DatabaseError as error:
        logger.warning("Reads not written (%s: %s); kept for the next write.", type(error).__name__, error)
        with _lock:
            if len(_pending) + len(batch) <= settings.READERSHIP_MAX_PENDING:
                _pending.update(batch)
        return 0
    return sum(batch.values())


def flush_on_exit() -> None:
    try:
        flush()
    except Exception:  # the process is stopping: nothing more can be done with them
        logger.exception("Reads not written as the process stopped.")


def _write(batch: Counter) -> None:
    using = router.db_for_write(HourlyReads)
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(HourlyReads._meta.db_table)
    item, hour, reads = (quote(HourlyReads._meta.get_field(name).column) for name in ("item_id", "hour", "reads"))
    # The same statement on PostgreSQL and SQLite (3.24+): add to the hour's row, or start it.
    sql = (
        f"INSERT INTO {table} ({item}, {hour}, {reads}) VALUES (%s, %s, %s) "
        f"ON CONFLICT ({item}, {hour}) DO UPDATE SET {reads} = {table}.{reads} + excluded.{reads}"
    )
    rows = [(pk, connection.ops.adapt_datetimefield_value(at), count) for (pk, at), count in sorted(batch.items())]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def most_read_ids(candidates: QuerySet, *, limit: int, hours: int = 24, now: datetime | None = None) -> list[int]:
    """The ids of ``candidates`` (a queryset of the counted model) most read in the last ``hours``, most first.

    Counted by the hour: the current hour and the ``hours - 1`` before it. Ties go to the higher id.
    """
    start = (now or timezone.now()).replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    totals = (
        HourlyReads.objects.filter(hour__gte=start, item_id__in=candidates.values("pk"))
        .values("item_id")
        .annotate(total=Sum("reads"))
        .order_by("-total", "-item_id")
    )
    return [row["item_id"] for row in totals[:limit]]


def forget_old(*, now: datetime | None = None) -> int:
    """Delete the counts of hours more than ``READERSHIP_DAYS`` ago; returns how many rows went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.READERSHIP_DAYS)
    deleted, _ = HourlyReads.objects.filter(hour__lt=cutoff).delete()
    return deleted
