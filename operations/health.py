"""``/healthz``: whether this instance can serve readers, for load balancers and uptime checks.

It checks the database and the cache, and answers with a tiny JSON body naming
what failed (the details go to the log, never to the caller). Only the database
is essential: without it the instance cannot serve, so the answer is 503 and a
load balancer takes it out. Without the cache it still serves every page
(rendered uncached, see ``pagecache.store``), so the answer stays 200 with
``"status": "degraded"``: monitoring notices, but a Redis outage does not take
every instance out of the load balancer at once. It
also says where cached pages are kept (``pages``: ``shared``, ``per-process``
or ``off``, see ``pagecache.store``); that never makes it fail.

With read replicas (``DATABASE_REPLICAS``), each is checked too and reported under
``replicas``; one that is down makes the answer ``degraded``, never 503: readers then read
from the primary (``newsroom/replicas.py``).
"""

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.outages import database_unreachable
from pagecache.store import page_cache_scope

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_keeps_values() -> bool:
    # A key of its own, so concurrent checks cannot read each other's token.
    token = secrets.token_hex(8)
    key = f"healthz:{token}"
    cache.set(key, token, timeout=10)
    try:
        return cache.get(key) == token
    finally:
        cache.delete(key)


CHECKS: dict[str, Callable[[], bool]] = {"database": database_answers, "cache": cache_keeps_values}
# Checks whose failure means this instance cannot serve readers at all.
ESSENTIAL = frozenset({"database"})


def replica_states() -> dict[str, str]:
    states = {}
    for alias in settings.DATABASE_REPLICAS:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                states[alias] = "ok" if cursor.fetchone() == (1,) else "failing"
        except Exception as error:
            logger.warning("Health check of read replica %r failed: %s", alias, error)
            states[alias] = "failing"
    return states


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            passed = check()
        except Exception as error:
            if database_unreachable(error):
                # PostgreSQL is away: one line per probe, not a traceback (as newsroom/outages.py does).
                logger.warning("Health check %r failed: %s", name, error)
            else:
                logger.exception("Health check %r raised", name)
            passed = False
        results[name] = "ok" if passed else "failing"
    failing = {name for name, result in results.items() if result != "ok"}
    extra = {}
    if settings.DATABASE_REPLICAS:
        extra["replicas"] = replica_states()
        if "failing" in extra["replicas"].values():
            failing.add("replicas")
    if failing & ESSENTIAL:
        status, code = "failing", 503
    elif failing:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **results, **extra, "pages": page_cache_scope()}, status=code)
