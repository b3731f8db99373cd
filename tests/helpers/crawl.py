"""Every public address, and the markers planted in hidden stories that none of them may show."""

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

HIDDEN_STATES = ["draft", "in_review", "sent_back", "scheduled", "embargoed", "unpublished"]


FIELDS = ["headline", "standfirst", "body", "tag", "caption"]


def marker(state: str, field: str) -> str:
    return f"zq{field}{state.replace('_', '')}leak"


# Editorial comments are never public, not even on the visible story.
COMMENT_STATES = ["visible", *HIDDEN_STATES]


def all_markers() -> list[str]:
    return [marker(state, field) for state in HIDDEN_STATES for field in FIELDS] + [
        marker(state, "comment") for state in COMMENT_STATES
    ]


def public_routes() -> list[tuple[str, str]]:
    """(route, name) of every URL pattern outside the admin."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    return [(route, name) for route, name in walk(get_resolver().url_patterns) if not route.startswith("admin/")]


def urls_to_crawl(newsroom) -> dict[str, list[str]]:
    """For every public URL name, the addresses that exercise it with the hidden stories around."""
    visible, hidden = newsroom["visible"], newsroom["hidden"]
    year, month = timezone.localtime(visible.published_at).year, timezone.localtime(visible.published_at).month
    hidden_urls = [story.get_absolute_url() for story in hidden.values()]
    body_searches = [f"/search/?q={marker(state, 'body')}" for state in HIDDEN_STATES]
    body_searches += [f"/search/?q={marker(state, 'comment')}" for state in COMMENT_STATES]
    tag_slugs = [marker(state, "tag") for state in HIDDEN_STATES]
    return {
        "front_page": ["/"],
        "section": ["/world/", "/europe/", "/europe/?page=2"],
        "story": [visible.get_absolute_url(), *hidden_urls],
        "list": ["/authors/"],
        "detail": ["/authors/shared-author/"],
        "tag": ["/tags/shared/", *(f"/tags/{slug}/" for slug in tag_slugs)],
        "search": ["/search/?q=hidden", "/search/?q=shared", *body_searches],
        "site_feed": ["/feeds/rss/", "/feeds/atom/"],
        "section_feed": ["/feeds/sections/world/rss/", "/feeds/sections/europe/atom/"],
        "author_feed": ["/feeds/authors/shared-author/rss/", "/feeds/authors/shared-author/atom/"],
        "tag_feed": ["/feeds/tags/shared/rss/", *(f"/feeds/tags/{slug}/rss/" for slug in tag_slugs)],
        "sitemap_index": ["/sitemap.xml"],
        "sitemap": [f"/sitemaps/{name}.xml" for name in ("sections", "stories", "authors", "tags")],
        "story_sitemap": ["/sitemaps/stories.xml", "/sitemaps/stories.xml?p=1"],
        "news_sitemap": ["/news-sitemap.xml"],
        "robots_txt": ["/robots.txt"],
        "healthz": ["/healthz"],
        "archive_index": ["/archive/"],
        "archive_year": [f"/archive/{year}/"],
        "archive_month": [f"/archive/{year}/{month:02d}/"],
        "corrections": ["/corrections/"],
        # Expired and revoked links are crawled in their own test below; an unknown token here.
        "preview_link": ["/preview/no-such-token/"],
    }
