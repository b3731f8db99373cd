"""Whole-page caching for readers that never serves stale news and never takes the site down.

Every cached page is stored under the current *content generation*, a row in the
database that any change readers could see moves on in its own transaction (see
``pagecache.generation``): every page is rebuilt on its next request, and nothing
has to know which pages a story appears on. Reading the generation costs one
query per request, so every process on every server agrees the moment a change
commits, whatever Django cache holds the pages.

Pages are kept in Django's cache, which may fail without taking the site down
(see ``pagecache.store``).

No stampede after a publish: each page also keeps its *latest copy*. When the
generation has moved on, the first request takes a short lock and renders;
requests arriving meanwhile get the latest copy (``X-Cache: STALE``) for at most
``PAGE_CACHE_REVALIDATE_SECONDS``, after which they render themselves. Never
after a takedown: no copy older than the last generation that took a story off
the site is served.

Only anonymous readers are served from or stored to the cache: a request
carrying a session cookie (staff) always gets a freshly rendered page, and the
page it gets is never stored.

Pages are stored with their brotli and gzip copies and each copy's ETag, made once
(``pagecache.compression``): a hit picks the copy the reader accepts and costs no
compression. Staff pages and anything carrying a secret go out uncompressed (BREACH).
"""

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from common.outages import database_unreachable

from . import compression, scopes
from . import generation as generations
from .generation import current_generation, request_generation
from .store import cache_call

# Response headers worth keeping with a cached page.
STORED_HEADERS = (
    "Content-Type", "Content-Language", "Link", "Location", "X-Robots-Tag", "Vary",
    "Content-Security-Policy",  # a story with embeds allows its providers' frames (articles.views)
    "X-Readership-Item",  # what a page counts as a read of, counted on hits too (readership.counting)
)  # fmt: skip


@functools.cache
def _public_cache_control(shared_seconds: int, stale_seconds: int) -> str:
    """What a public page's Cache-Control says, written once rather than on every hit.

    Browsers revalidate every time (a cheap 304 when nothing changed), so a reader never keeps an
    old version; shared caches (CDNs) may keep it briefly.
    """
    response = HttpResponse()
    patch_cache_control(response, public=True, max_age=0, s_maxage=shared_seconds, stale_while_revalidate=stale_seconds)
    return response["Cache-Control"]


def for_readers(response: HttpResponse) -> None:
    """The reader pages' ``Cache-Control``, for anything public that follows the content generation."""
    if response.has_header("Cache-Control"):
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
        )
    else:
        response["Cache-Control"] = _public_cache_control(
            settings.PAGE_CACHE_SHARED_SECONDS, settings.PAGE_CACHE_STALE_SECONDS
        )


def _scope(stored: tuple) -> tuple[str, str] | None:
    """The scope a stored page was kept under (``pagecache.scopes``), if any: its fourth part."""
    return stored[3] if len(stored) > 3 else None


class PageCacheMiddleware:
    """Serve and store anonymous GET pages under the current content generation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_generation():
            if not self._cacheable_request(request):
                response = self.get_response(request)
                if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                    # Staff pages must not be kept by the browser or any proxy either.
                    patch_cache_control(response, private=True, no_cache=True)
                return compression.compress_response(request, response)
            return self._cached(request)

    def _cached(self, request: HttpRequest) -> HttpResponse:
        try:
            # During an outage this fails at once, not after a timeout: the PostgreSQL backend
            # (common/postgresql) stops trying for a second once the server was found unreachable.
            generation = current_generation()
        except Exception as error:
            if not database_unreachable(error):
                raise
            return self._during_outage(request)
        address = self._address(request)
        key, latest_key = f"page-cache:{generation.key}:{address}", f"page-cache:latest:{address}"
        stored = cache_call("get", None, key)
        if stored is not None and not scopes.is_current(_scope(stored)):
            # Its scope changed (a live story's post): rendered again now, never served stale.
            response = self._render_and_store(request, generation, key, latest_key)
        elif stored is not None:
            response = self._rebuild(stored, request)
            response["X-Cache"] = "HIT"
        else:
            # Only now the latest copy: a hit never pays for reading (and unpickling) a second page.
            latest = cache_call("get", None, latest_key)
            if (
                latest is not None
                and latest[1] == generation.key
                and latest[2] is not None
                and scopes.is_current(_scope(latest[2]))
            ):
                response = self._rebuild(latest[2], request)  # stored by another request since our first look
                response["X-Cache"] = "HIT"
            else:
                response = self._stale_copy(request, latest, generation, address)
            if response is None:
                response = self._render_and_store(request, generation, key, latest_key)
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            for_readers(response)
            response.headers.setdefault("Last-Modified", http_date(generation.changed_at.timestamp()))
        return response

    def _stale_copy(self, request: HttpRequest, latest: tuple | None, generation, address: str) -> HttpResponse | None:
        """The page's latest copy, if another request is rendering the current one right now."""
        if latest is None or settings.PAGE_CACHE_REVALIDATE_SECONDS <= 0:
            return None
        number, generation_key, stored = latest
        if generation_key == generation.key or stored is None or number < generation.takedown_number:
            return None
        if not scopes.is_current(_scope(stored)):
            return None  # a scope's change may take something down: no stale copy of it
        # One renderer per page and generation; if it never finishes, the lock expires and the next renders.
        lock = f"page-cache:rendering:{generation.key}:{address}"
        if cache_call("add", True, lock, 1, settings.PAGE_CACHE_REVALIDATE_SECONDS):
            return None  # ours to render (or the cache failed: render)
        response = self._rebuild(stored, request)
        response["X-Cache"] = "STALE"
        # Not to be kept by anyone: the current page follows within seconds.
        patch_cache_control(response, public=True, max_age=0, s_maxage=0, must_revalidate=True)
        return response

    def _render_and_store(self, request: HttpRequest, generation, key: str, latest_key: str) -> HttpResponse:
        response = self.get_response(request)
        if self._cacheable_response(response):
            frozen = self._freeze(request, response)
            cache_call(
                "set_many",
                None,
                {key: frozen, latest_key: (generation.number, generation.key, frozen)},
                settings.PAGE_CACHE_SECONDS,
            )
            self._encode(response, frozen[2], request)  # compressed as a hit would be
            response["X-Cache"] = "MISS"
        else:
            # Gone or not for keeping (a takedown's 404): nobody may be given the previous copy now.
            cache_call("set", None, latest_key, (generation.number, generation.key, None), settings.PAGE_CACHE_SECONDS)
            response = compression.compress_response(request, response)
        return response

    def _during_outage(self, request: HttpRequest) -> HttpResponse:
        """PostgreSQL is away: the page as of the last generation this process knew, if it is cached.

        Never past a story's scheduled time (that generation's ``next_change_at``);
        otherwise the request goes on, fails, and its reader gets the outage page.
        """
        known = generations.last_known
        if known is not None and (known.next_change_at is None or known.next_change_at > timezone.now()):
            stored = cache_call("get", None, f"page-cache:{known.key}:{self._address(request)}")
            if stored is not None:
                response = self._rebuild(stored, request)
                response["X-Cache"] = "HIT"
                patch_cache_control(response, public=True, max_age=0, s_maxage=0, must_revalidate=True)
                return response
        return self.get_response(request)

    @staticmethod
    def _cacheable_request(request: HttpRequest) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and not request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
        )

    @staticmethod
    def _cacheable_response(response: HttpResponse) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        )

    @staticmethod
    def _address(request: HttpRequest) -> str:
        # Hashed: query strings can be long and hold anything.
        address = f"{request.method}:{request.get_host()}:{request.get_full_path()}"
        return hashlib.sha256(address.encode()).hexdigest()

    @staticmethod
    def _freeze(request: HttpRequest, response: HttpResponse) -> tuple:
        """What is stored of a page: status, headers, and its bytes with their ETag in every encoding kept.

        ``{None: (plain, etag), "br": (…), "gzip": (…)}``: compressed here, once, so a hit costs no
        compression, and the ETag worked out once too (``ConditionalGetMiddleware`` would hash each hit).
        """
        headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
        content = response.content
        copies = {None: content}
        if compression.may_compress(request, response):
            copies.update(compression.compressed_copies(content))
        frozen = response.status_code, headers, {key: (body, compression.etag(body)) for key, body in copies.items()}
        scope = getattr(response, "page_scope", None)
        return (*frozen, scope) if scope is not None else frozen

    @staticmethod
    def _rebuild(stored: tuple, request: HttpRequest) -> HttpResponse:
        """The stored page as a response, in the best encoding the request accepts among those kept."""
        status, headers, copies = stored[:3]
        if isinstance(copies, bytes):  # stored before pages were kept compressed
            copies = {None: (copies, compression.etag(copies))}
        response = HttpResponse(status=status)
        for name, value in headers.items():
            response[name] = value
        return PageCacheMiddleware._encode(response, copies, request)

    @staticmethod
    def _encode(response: HttpResponse, copies: dict, request: HttpRequest) -> HttpResponse:
        """``response`` carrying the stored copy in the best encoding the request accepts, with its ETag."""
        encoding = compression.choose_encoding(request) if len(copies) > 1 else None
        if encoding not in copies:
            encoding = None
        content, etag = copies[encoding]
        response.content = content
        response["ETag"] = etag
        response["Content-Length"] = str(len(content))
        if len(copies) > 1:
            if encoding is not None:
                response["Content-Encoding"] = encoding
            patch_vary_headers(response, ("Accept-Encoding",))
        return response
