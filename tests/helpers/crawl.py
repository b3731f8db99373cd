"""Every public address, and the markers planted in hidden stories that none of them may show."""

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

HIDDEN_STATES = ["draft", "in_review", "sent_back", "scheduled", "embargoed", "unpublished"]


# "picture": the alt text, caption and credit of a library picture only a hidden story's body shows.
FIELDS = ["headline", "standfirst", "body", "tag", "caption", "picture"]


def marker(state: str, field: str) -> str:
    return f"zq{field}{state.replace('_', '')}leak"


# Editorial comments are never public, not even on the visible story.
COMMENT_STATES = ["visible", *HIDDEN_STATES]


# Live posts readers must never see: waiting for approval or deleted on a visible live story, and
# published on a live story readers cannot see (a draft).
HIDDEN_POST_STATES = ["waiting", "deleted", "onhiddenstory"]


def all_markers() -> list[str]:
    return (
        [marker(state, field) for state in HIDDEN_STATES for field in FIELDS]
        + [marker(state, "comment") for state in COMMENT_STATES]
        + [marker(state, field) for state in HIDDEN_POST_STATES for field in ("post", "posttitle")]
    )


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
    crawled = {
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
        "publication_page": ["/info/about/", "/info/no-such-page/"],
        # Expired and revoked links are crawled in their own test below; an unknown token here.
        "preview_link": ["/preview/no-such-token/"],
        **api_urls_to_crawl(newsroom),
    }
    for name, urls in live_urls_to_crawl(newsroom).items():
        crawled[name] = [*crawled.get(name, []), *urls]
    return crawled


def live_urls_to_crawl(newsroom) -> dict[str, list[str]]:
    """The live pages, their update endpoints and post permalinks, with hidden posts around."""
    live = newsroom["live"]
    stories = [live["visible"], live["hidden"]]
    return {
        "story": [story.get_absolute_url() for story in stories],
        "updates": [f"/live/{story.pk}/updates.json" for story in stories],
        "permalink": [f"/live/posts/{pk}/" for pk in live["post_ids"]],
        "search": [f"/search/?q={marker(state, 'post')}" for state in HIDDEN_POST_STATES],
        "api_stories": [f"/api/v1/stories/?q={marker(state, 'post')}" for state in HIDDEN_POST_STATES],
        "api_story": [f"/api/v1/stories/{story.pk}/" for story in stories],
    }


def api_urls_to_crawl(newsroom) -> dict[str, list[str]]:
    """The content API's addresses, with every filter pointed at what the hidden stories carry."""
    visible, hidden, author = newsroom["visible"], newsroom["hidden"], newsroom["author"]
    stories = "/api/v1/stories/"
    return {
        "api_stories": [
            stories,
            f"{stories}?section=europe",
            f"{stories}?section=world",
            f"{stories}?author={author.pk}",
            f"{stories}?tag=shared",
            f"{stories}?updated_since=2000-01-01T00:00:00Z",
            f"{stories}?page_size=1",
            *(f"{stories}?tag={marker(state, 'tag')}" for state in HIDDEN_STATES),
            *(f"{stories}?q={marker(state, field)}" for state in HIDDEN_STATES for field in ("headline", "body")),
        ],
        "api_story": [f"{stories}{visible.pk}/", *(f"{stories}{story.pk}/" for story in hidden.values())],
        "api_sections": ["/api/v1/sections/"],
        "api_section": [f"/api/v1/sections/{visible.section_id}/"],
        "api_authors": ["/api/v1/authors/"],
        "api_author": [f"/api/v1/authors/{author.pk}/"],
        "api_tags": ["/api/v1/tags/", "/api/v1/tags/?page_size=1"],
        "api_corrections": ["/api/v1/corrections/"],
        "api_changes": ["/api/v1/changes/"],
        "api_schema": ["/api/v1/schema/"],
        "api_docs": ["/api/v1/docs/", "/api/v1/docs/?script="],
        "api_not_found": [f"/api/v1/stories/{story.pk}" for story in hidden.values()],
    }
