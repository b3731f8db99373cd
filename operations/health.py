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
"""

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
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
    if failing & ESSENTIAL:
        status, code = "failing", 503
    elif failing:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **results, "pages": page_cache_scope()}, status=code)
