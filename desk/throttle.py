"""A per-person request budget, counted in the shared cache so that every server process agrees."""

import time

from django.core.cache import cache


def allow(scope: str, who: int, *, limit: int, window: int) -> bool:
    """Count one request of ``who`` in ``scope``; False once ``limit`` were made in the current ``window`` seconds."""
    key = f"desk:rate:{scope}:{who}:{int(time.time() // window)}"
    # add() is atomic: the first request of a window creates the counter, the others count on it.
    if cache.add(key, 1, timeout=window + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the counter expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        return True
