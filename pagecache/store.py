"""The cache that holds pages, failing open, and ``remember()`` for figures derived from content.

Page bodies live in Django's cache: Redis when ``REDIS_URL`` is set (one copy
for every process and server), else each process's memory, which is just as
correct (keys carry the shared generation) but renders each page once per
process. The ``check --deploy`` note (``pagecache.checks``) and ``/healthz`` say which.

The cache can fail, the site does not: any error from it means the page is
rendered and served uncached, with a warning in the log at most once a minute
per process (``/healthz`` reports the cache as failing meanwhile).
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from .generation import current_generation_id

logger = logging.getLogger(__name__)

# A cache that fails is warned about at most this often per process, and not used for this long
# after a failure (so that a cache that hangs rather than refuses costs its timeout rarely).
WARNING_INTERVAL_SECONDS = 60
RETRY_AFTER_FAILURE_SECONDS = 5
# Django cache backends that keep values in each process's own memory.
PER_PROCESS_BACKENDS = ("django.core.cache.backends.locmem.LocMemCache",)
DUMMY_BACKEND = "django.core.cache.backends.dummy.DummyCache"  # keeps nothing


class _Health:
    last_warning = float("-inf")
    unused_until = float("-inf")


def _failed(action: str, error: Exception) -> None:
    now = time.monotonic()
    _Health.unused_until = now + RETRY_AFTER_FAILURE_SECONDS
    if now - _Health.last_warning >= WARNING_INTERVAL_SECONDS:
        _Health.last_warning = now
        logger.warning(
            "Page cache unavailable (%s failed: %s: %s); serving pages uncached. "
            "Next warning in a minute at the earliest.",
            action,
            type(error).__name__,
            error,
        )


def forget_cache_failures() -> None:
    """Use the cache again at once, and warn at the next failure (tests)."""
    _Health.last_warning = _Health.unused_until = float("-inf")


def cache_call(action: str, default: Any, *args: Any, **kwargs: Any) -> Any:
    """``cache.<action>(...)``, or ``default`` if the cache fails (or failed a moment ago)."""
    if time.monotonic() < _Health.unused_until:
        return default
    try:
        return getattr(cache, action)(*args, **kwargs)
    except Exception as error:  # any cache error: render uncached rather than fail the reader
        _failed(action, error)
        return default


def remember(key: str, compute: Callable[[], object], *, timeout: int = 3600):
    """``compute()``'s value, worked out once per content generation and shared by every process.

    For figures derived from all published stories (list lengths, sitemap dates) that
    would otherwise be recomputed on every request although they only change with content.
    """
    full_key = f"derived:{current_generation_id()}:{key}"
    value = cache_call("get", None, full_key)
    if value is None:
        value = compute()
        cache_call("set", None, full_key, value, timeout)
    return value


def page_cache_scope() -> str:
    """``"off"``, ``"per-process"`` (each process keeps its own pages) or ``"shared"``."""
    if settings.PAGE_CACHE_SECONDS <= 0 or settings.CACHES["default"]["BACKEND"] == DUMMY_BACKEND:
        return "off"
    return "per-process" if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_BACKENDS else "shared"
