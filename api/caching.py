"""HTTP caching for the API, as for reader pages: the page cache's generation, validators and headers.

Answers are kept in Django's cache under the page cache's content generation (``pagecache.generation``),
so any change readers could see (a publish, an unpublish, a correction, a scheduled story going live)
makes every kept answer unreachable at once. They are kept after the key, its scopes and the rate limits
have been checked, which is why the API is not served by the page cache's middleware. ETags (from the
body) and 304s come from Django's ``ConditionalGetMiddleware``; ``Last-Modified`` is the generation's.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from rest_framework.response import Response

from pagecache.generation import current_generation
from pagecache.middleware import for_readers
from pagecache.store import cache_call


def kept(request, view, render: Callable[[], Response]) -> Response:
    """``render()``'s answer, or the copy kept for this address under the current generation."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return render()  # no kept answers: no generation to read (ETags still come from the body)
    generation = current_generation()
    view.last_modified = generation.changed_at
    # The answer names absolute addresses: keep one per scheme and host, as well as per path.
    address = hashlib.sha256(f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    key = f"api:{generation.key}:{address}"
    data = cache_call("get", None, key)
    if data is not None:
        response = Response(data)
        response["X-Cache"] = "HIT"
        return response
    response = render()
    if response.status_code == 200:
        cache_call("set", None, key, response.data, settings.PAGE_CACHE_SECONDS)
        response["X-Cache"] = "MISS"
    return response


def add_headers(request, response, *, last_modified=None, shared: bool = True) -> None:
    """Cache-Control like the reader pages' (revalidate every time, CDNs briefly), private for partner keys."""
    patch_vary_headers(response, ["Authorization"])
    if response.status_code != 200:
        patch_cache_control(response, no_store=True)
        return
    if request.auth is not None or not settings.API_ANONYMOUS_ACCESS or not shared:
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    else:
        for_readers(response)
    if last_modified is not None:
        response.headers.setdefault("Last-Modified", http_date(last_modified.timestamp()))
