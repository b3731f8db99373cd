"""Read replicas: reader pages read from a replica, everything that must see a write reads from the primary.

With ``DATABASE_REPLICA_URLS`` set, the settings add one database alias per replica
(``replica1``, ...) and install ``ReplicaRouter`` and ``ReplicaMiddleware``. The middleware
decides, once per request, where that request reads from, and keeps the answer in a context
variable that the router consults:

- a reader's GET or HEAD reads from one replica, picked at random among the healthy ones;
- the admin, previews, any other method, anyone with a session cookie (staff) and anyone who
  wrote in the last ``REPLICA_STICKY_SECONDS`` (a short-lived cookie) read from the primary;
- once a request writes, its later reads go to the primary too; if it was sent to change something
  (not a GET or HEAD), its answer sets that cookie. A reader's GET that wrote (the page cache moving
  on at a scheduled go-live) does not: the reader changed nothing, and a CDN might keep the cookie.

Every write goes to the primary. Outside a request (management commands, the shell) everything
uses the primary. The middleware sits before the page cache, so the content generation a cached
page is keyed by is read from the same database the page is rendered from.

Readers never see a page older than an editor's last answer, however far a replica lags: when a
request that wrote has done its work, the primary's position in its write-ahead log is put in the
shared cache (``note_primary_position``), and a reader's request uses a replica only once it has
replayed up to that position (``pg_last_wal_replay_lsn()``, one small query), else another replica
or the primary. So whoever follows a publish, a correction or an unpublish, on any server, reads it.
(Writes outside a request, such as ``import_story`` run from cron, are not waited for: readers get
them as soon as the replica has them, typically milliseconds later.)

A replica that cannot be reached is not an error for readers: that request reads from the
primary, a warning is logged (at most once a minute per replica and process) and the replica is
left alone for ``REPLICA_RETRY_SECONDS``. Losing it in the middle of a request (the connection
was open) sends the rest of the request's reads to the primary, and if the answer was an error
page, the middleware answers the request again from the primary, which a GET allows (the outage
page's own warning is then logged for an answer the reader never got).
Without replicas the middleware removes itself (``MiddlewareNotUsed``): nothing changes.
"""

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from common.outages import database_unreachable

logger = logging.getLogger(__name__)

# Set on the answer to any request that wrote: its sender reads from the primary while it lasts.
WROTE_COOKIE = "newsroom_wrote"
READ_METHODS = frozenset({"GET", "HEAD"})
PRIMARY_PATHS = ("/admin/", "/preview/")
WARNING_INTERVAL_SECONDS = 60
# The shared cache's note of the primary's log position after the latest write (see note_primary_position).
PRIMARY_POSITION_KEY = "replicas:primary-log-position"
PRIMARY_POSITION_SECONDS = 3600


@dataclass
class Reading:
    """Where the current request reads from: a replica's alias, or ``None`` for the primary."""

    replica: str | None
    wrote: bool = False
    lost: BaseException | None = None  # the replica became unreachable during the request


_reading: ContextVar[Reading | None] = ContextVar("newsroom_replica_reading", default=None)

# Per process: until when each replica is left alone, and when its loss was last logged.
_unhealthy_until: dict[str, float] = {}
_warned_at: dict[str, float] = {}


def reading_from() -> str:
    """The alias the current request's reads go to now (``default`` outside requests)."""
    reading = _reading.get()
    if reading is None or reading.replica is None or reading.wrote or reading.lost:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # inside a transaction of the primary: read what it sees
    return reading.replica


class ReplicaRouter:
    """Reads where the request's ``Reading`` says, writes always to the primary; migrations on the primary only."""

    def db_for_read(self, model, **hints) -> str:
        # Always an alias, never None: Django would otherwise follow an instance's own database
        # (a story read from the replica) after the request has written.
        return reading_from()

    def db_for_write(self, model, **hints) -> str:
        reading = _reading.get()
        if reading is not None:
            reading.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the primary's data: objects from any of them relate

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def replica_lost(alias: str, error: BaseException) -> None:
    """Leave ``alias`` alone for a few seconds; say so in the log at most once a minute."""
    now = time.monotonic()
    _unhealthy_until[alias] = now + settings.REPLICA_RETRY_SECONDS
    connections[alias].close()
    if now - _warned_at.get(alias, -WARNING_INTERVAL_SECONDS) >= WARNING_INTERVAL_SECONDS:
        _warned_at[alias] = now
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        logger.warning("Read replica %s unreachable, readers use the primary: %s", alias, reason)


def healthy_replicas() -> list[str]:
    now = time.monotonic()
    return [alias for alias in settings.DATABASE_REPLICAS if _unhealthy_until.get(alias, 0) <= now]


def may_read_from_replica(request: HttpRequest) -> bool:
    """A reader's GET or HEAD: not the admin or a preview, not staff (a session), not someone who just wrote."""
    return (
        request.method in READ_METHODS
        and not request.path.startswith(PRIMARY_PATHS)
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.COOKIES.get(WROTE_COOKIE)
    )


def connected_replica(position: str | None = None) -> str | None:
    """A healthy replica, connected, that has replayed the primary's log up to ``position`` (when given);
    ``None`` if none can be reached or all are behind."""
    candidates = healthy_replicas()
    random.shuffle(candidates)
    for alias in candidates:
        connection = connections[alias]
        try:
            # The connection the first query would open (or check, with CONN_HEALTH_CHECKS) anyway.
            connection.close_if_health_check_failed()
            connection.ensure_connection()
            if position is not None and not has_replayed(connection, position):
                continue  # lagging, not lost: try another, or read from the primary this time
        except Exception as error:
            if not database_unreachable(error):
                raise
            replica_lost(alias, error)
            continue
        return alias
    return None


def note_primary_position() -> None:
    """After a request that wrote: the primary's position in its log, for every server's readers to wait for.

    Kept as the highest position noted (two writers finishing together could otherwise store the
    earlier one last). A cache that fails only loses the wait, never the request.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            position = cursor.fetchone()[0]
        known = cache.get(PRIMARY_POSITION_KEY)
        if known is None or log_position(position) > log_position(known):
            cache.set(PRIMARY_POSITION_KEY, position, PRIMARY_POSITION_SECONDS)
    except Exception:
        logger.warning("Could not note the primary's log position; readers may briefly see older pages.")


def primary_position() -> str | None:
    """The position readers must wait for, if any writer noted one."""
    try:
        return cache.get(PRIMARY_POSITION_KEY)
    except Exception:
        return None  # the cache is away: no waiting, as without replicas' lag awareness


def has_replayed(connection, position: str) -> bool:
    """Whether the replica behind ``connection`` has replayed the log up to ``position``.

    A server not in recovery (a promoted replica, or the tests' mirror) has everything.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
        replayed = cursor.fetchone()[0]
    return replayed is None or replayed


def log_position(position: str) -> int:
    """A PostgreSQL log position (``16/B374D848``) as a number, for comparing two."""
    high, low = position.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.DATABASE_REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replica = connected_replica(primary_position()) if may_read_from_replica(request) else None
        reading = Reading(replica)
        response = self._respond(request, reading)
        if reading.wrote:
            note_primary_position()
        if reading.lost is not None:
            replica_lost(reading.replica, reading.lost)
            if response.status_code >= 500 and not reading.wrote:
                # The replica went away mid-request and the reader got the outage page: a GET may be
                # answered again, from the primary.
                reading = Reading(None)
                response = self._respond(request, reading)
        if reading.wrote and request.method not in READ_METHODS:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _respond(self, request: HttpRequest, reading: Reading) -> HttpResponse:
        token = _reading.set(reading)
        try:
            if reading.replica is None:
                return self.get_response(request)

            def watch(execute, sql, params, many, context):
                try:
                    return execute(sql, params, many, context)
                except Exception as error:
                    if database_unreachable(error) and reading.lost is None:
                        reading.lost = error  # the request's later reads go to the primary
                    raise

            with connections[reading.replica].execute_wrapper(watch):
                return self.get_response(request)
        finally:
            _reading.reset(token)
