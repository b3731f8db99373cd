"""The live page (a live story's own page, at the story's address), its update endpoint and the posts'
permalinks (each post's own page and share card).

Every query of posts starts from ``LivePost.objects.public()``, and of stories from
``Article.objects.published()``; a preview shows the story as readers would, with its public posts.
Both the page and the endpoint are anonymous GETs the page cache keeps under the content generation and
the story's scope, which every public post change moves (``live.invalidation``): thousands of polling
readers cost a cache hit each, or a 304 (``ConditionalGetMiddleware`` compares the stored ETag), and a
post renders these two again, nothing else.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from articles.models import Article
from common.content_security import reader_policy
from pagecache.scopes import keep_under_scope, scope_token

from .invalidation import scope_name
from .models import LiveCoverage, LivePost
from .structured_data import live_blog_posting

POSTS_PER_PAGE = 20
# Posts the update endpoint carries: enough for a reader away for a while; more means a reload.
UPDATE_POSTS = 20


def live_page(request: HttpRequest, article: Article, *, preview: str = "") -> HttpResponse | None:
    """The page of a live story (None for any other story: ``articles.views.render_story`` shows it)."""
    try:
        coverage = article.live_coverage
    except LiveCoverage.DoesNotExist:
        return None
    coverage.article = article
    scope = scope_name(article.pk)
    token = scope_token(scope)  # before the posts: a post committed meanwhile makes this page stale, not current
    posts = LivePost.objects.public().filter(coverage=coverage)
    paginator = Paginator(posts.newest_first().for_page(), POSTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page of posts.") from None
    page_ids = {post.pk for post in page.object_list}
    key_events = list(posts.filter(key_event=True).newest_first().only("pk", "title", "body_html", "posted_at"))
    pinned = posts.filter(pinned=True).for_page().first() if page.number == 1 else None
    context = {
        "article": article,
        "coverage": coverage,
        "page_obj": page,
        "posts": page.object_list,
        "pinned": pinned,
        "key_events": [(event, event.pk in page_ids) for event in key_events],
        "structured_data": live_blog_posting(article, coverage, list(page.object_list), request),
        "preview_banner": preview,
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "updates_url": reverse("live:updates", args=[article.pk]),
    }
    if page.number > 1:
        context["canonical_url"] = request.build_absolute_uri(f"{request.path}?page={page.number}")
    response = render(request, "live/live_page.html", context)
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    frame_hosts = set(article.body_media.frame_hosts)
    for post in [*page.object_list, *([pinned] if pinned else [])]:
        frame_hosts.update(post.body_media.frame_hosts)
    if frame_hosts:
        response["Content-Security-Policy"] = reader_policy(sorted(frame_hosts))
    return keep_under_scope(response, scope, token)


def _public_coverage(story_id: int) -> LiveCoverage:
    article = get_object_or_404(Article.objects.published().select_related("section"), pk=story_id)
    coverage = get_object_or_404(LiveCoverage, article=article)
    coverage.article = article
    return coverage


def updates(request: HttpRequest, story_id: int) -> JsonResponse:
    """The newest public posts as HTML fragments, for the page's script: the same address for every reader."""
    token = scope_token(scope_name(story_id))  # before the posts, as on the page
    coverage = _public_coverage(story_id)
    posts = list(LivePost.objects.public().filter(coverage=coverage).newest_first().for_page()[:UPDATE_POSTS])
    article = coverage.article
    data = {
        "story": article.pk,
        "open": coverage.is_open,
        "ended_at": timezone.localtime(coverage.ended_at).isoformat() if coverage.ended_at else None,
        "updated_at": timezone.localtime(article.last_changed_at).isoformat(),
        # Every public post is here: a post the page shows and this lacks was deleted.
        "complete": len(posts) < UPDATE_POSTS,
        "posts": [
            {
                "id": post.pk,
                "posted_at": timezone.localtime(post.posted_at).isoformat(),
                "html": render_to_string("live/post.html", {"post": post, "article": article}, request=request),
            }
            for post in posts
        ],
    }
    return keep_under_scope(JsonResponse(data, json_dumps_params={"ensure_ascii": False}), scope_name(story_id), token)


def permalink(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post's lasting address and its share card: the post in its live story's frame, with the link to
    it on the live page (``?page=N#post-<id>``, the page that holds it now) and that page as canonical.

    The same answer for people and for the crawlers of social networks (no guessing by user agent), kept
    under the story's scope: editing, approving or deleting the post renders it again at once.
    """
    story_id = LivePost.objects.filter(pk=post_id).values_list("coverage_id", flat=True).first()
    if story_id is None:
        raise Http404("No such post.")
    token = scope_token(scope_name(story_id))  # before the post, as on the live page
    posts = LivePost.objects.public().select_related("coverage__article__section", "coverage__article__lead_picture")
    post = get_object_or_404(posts.for_page(), pk=post_id, coverage_id=story_id)
    article = post.coverage.article
    newer = LivePost.objects.public().filter(coverage_id=post.coverage_id).filter(_newer_than(post)).count()
    page = newer // POSTS_PER_PAGE + 1
    story_url = article.get_absolute_url()
    context = {
        "post": post,
        "article": article,
        "coverage": post.coverage,
        "in_context_url": f"{story_url}{f'?page={page}' if page > 1 else ''}#{post.anchor}",
        # The live page is the post's canonical home; the card's own address (og:url) is this one.
        "canonical_url": request.build_absolute_uri(story_url),
        "permalink_url": request.build_absolute_uri(request.path),
    }
    response = render(request, "live/post_page.html", context)
    if post.body_media.frame_hosts:
        response["Content-Security-Policy"] = reader_policy(sorted(post.body_media.frame_hosts))
    return keep_under_scope(response, scope_name(story_id), token)


def _newer_than(post: LivePost) -> Q:
    return Q(posted_at__gt=post.posted_at) | Q(posted_at=post.posted_at, pk__gt=post.pk)
