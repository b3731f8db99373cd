"""Whole-page caching for readers that never serves stale news.

Every cached page is stored under the current *content generation*. Any change
that readers could see (a story published, edited, corrected or unpublished; a
section, author, source or tag changed) moves the generation on, so every page
is rebuilt on its next request: nothing has to know which pages a story
appears on. A scheduled or embargoed story moves it on by itself when its time
comes: the generation records when the next such moment is, and the first
request after it starts a new generation.

The generation lives in Django's cache. With ``REDIS_URL`` set that cache is
Redis, shared by every server process, so all of them agree the moment a
change is committed.

Only anonymous readers are served from or stored to the cache: a request
carrying a session cookie (staff) always gets a freshly rendered page, and the
page it gets is never stored.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

GENERATION_KEY = "page-cache:generation"
# Response headers worth keeping with a cached page.
STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "Location", "X-Robots-Tag", "Vary")


def current_generation() -> dict:
    """The generation pages are cached under now, starting a new one if a scheduled story has gone live."""
    generation = cache.get(GENERATION_KEY)
    if generation is None or (generation["next_change_at"] and generation["next_change_at"] <= time.time()):
        generation = start_new_generation()
    return generation


def current_generation_id() -> str:
    """Part of a cache key for anything derived from what readers can see (pages, counts)."""
    return current_generation()["id"]


def remember(key: str, compute: Callable[[], object], *, timeout: int = 3600):
    """``compute()``'s value, worked out once per content generation and shared by every process.

    For figures derived from all published stories (list lengths, sitemap dates) that
    would otherwise be recomputed on every request although they only change with content.
    """
    full_key = f"derived:{current_generation_id()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def start_new_generation() -> dict:
    """Invalidate every cached page at once, and note when the next scheduled story goes live."""
    from articles.models import Article

    generation = {
        "id": f"{time.time_ns():x}",
        "started_at": time.time(),
        "next_change_at": _timestamp(Article.objects.next_visibility_change()),
    }
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def content_changed(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver: something readers may see has changed.

    Pages are invalidated at once, without a query (a story saved with a future
    time brings the next go-live forward), and again, fully, when the
    transaction commits, so a page rendered from the old data in between is not
    kept. One save sends several signals; the commit-time work is queued once.
    """
    previous = cache.get(GENERATION_KEY) or {}
    upcoming = [previous.get("next_change_at"), *_go_live_times(instance)]
    cache.set(
        GENERATION_KEY,
        {
            "id": f"{time.time_ns():x}",
            "started_at": time.time(),
            # Full knowledge of the schedule comes back with the recount at commit.
            "next_change_at": min(filter(None, upcoming), default=None),
        },
        timeout=None,
    )
    connection = transaction.get_connection()
    queued = connection.in_atomic_block and any(
        callback is start_new_generation for _, callback, _ in connection.run_on_commit
    )
    if not queued:
        transaction.on_commit(start_new_generation)


def _go_live_times(instance) -> list[float]:
    """When a just-saved published story will become visible, if that is still ahead."""
    from articles.models import Article

    if not isinstance(instance, Article) or instance.status != Article.Status.PUBLISHED:
        return []
    now = time.time()
    times = [_timestamp(instance.published_at), _timestamp(instance.embargo_until)]
    return [moment for moment in times if moment and moment > now]


def _timestamp(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment else None


def connect_signals() -> None:
    """Start a new generation whenever anything a reader could see is saved or deleted."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from taggit.models import Tag

    from articles.models import Article, Byline, Correction, Section, Source, TaggedArticle
    from authors.models import Author

    for model in (Article, Byline, Correction, Section, Source, TaggedArticle, Author, Tag):
        for signal in (post_save, post_delete):
            signal.connect(content_changed, sender=model, dispatch_uid=f"page_cache.{model.__name__}.{signal}")
    m2m_changed.connect(content_changed, sender=Article.sources.through, dispatch_uid="page_cache.sources")


class PageCacheMiddleware:
    """Serve and store anonymous GET pages under the current content generation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            response = self.get_response(request)
            if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                # Staff pages must not be kept by the browser or any proxy either.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        generation = current_generation()
        key = self._key(request, generation["id"])
        stored = cache.get(key)
        if stored is not None:
            response = self._rebuild(stored)
            response["X-Cache"] = "HIT"
        else:
            response = self.get_response(request)
            if self._cacheable_response(response):
                cache.set(key, self._freeze(response), settings.PAGE_CACHE_SECONDS)
                response["X-Cache"] = "MISS"
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            # Browsers revalidate every time (a cheap 304 when nothing changed), so a
            # reader never keeps an old version; shared caches (CDNs) may keep it briefly.
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
                stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
            )
            response.headers.setdefault("Last-Modified", http_date(generation["started_at"]))
        return response

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
    def _key(request: HttpRequest, generation_id: str) -> str:
        # Hashed: query strings can be long and hold anything.
        address = f"{request.method}:{request.get_host()}:{request.get_full_path()}"
        return f"page-cache:{generation_id}:{hashlib.sha256(address.encode()).hexdigest()}"

    @staticmethod
    def _freeze(response: HttpResponse) -> tuple:
        headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
        return response.status_code, headers, response.content

    @staticmethod
    def _rebuild(stored: tuple) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        return response
