"""Rate limits: per partner key, and per client address for requests without one; 429 with Retry-After beyond.

Counted per minute in Django's cache (Redis when ``REDIS_URL`` is set, so every server process shares the
counts) with ``add`` and ``incr``, which Redis does atomically. A cache that fails lets requests through:
the limits protect the site, and an outage of the cache must not take the API down with it.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from common.requests import client_ip

WINDOW_SECONDS = 60


class PerKeyOrAddress(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        key = request.auth
        if key is not None:
            who, limit = f"key:{key.pk}", settings.API_RATE_PER_KEY
        else:
            who, limit = f"address:{client_ip(request)}", settings.API_RATE_PER_ADDRESS
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        self.retry_after = (window + 1) * WINDOW_SECONDS - now
        counter = f"api-rate:{who}:{window}"
        try:
            cache.add(counter, 0, WINDOW_SECONDS * 2)
            count = cache.incr(counter)
        except Exception:  # the cache is away: let the request through
            return True
        return count <= limit

    def wait(self) -> float:
        return max(1.0, self.retry_after)
