"""Unpublished stories never leak: every public surface is crawled for markers planted in each hidden state.

A story in each non-public state carries unique markers in its headline, standfirst,
body, tags and image caption. Every public URL pattern is visited (the test reads
the URLconf, so a new public view without a visit here fails it), with the page cache
off, on and warm, and none of the markers may appear anywhere.
"""

import json
import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from articles import previews, workflow
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db

HIDDEN_STATES = ["draft", "in_review", "sent_back", "scheduled", "embargoed", "unpublished"]
FIELDS = ["headline", "standfirst", "body", "tag", "caption"]


def marker(state: str, field: str) -> str:
    return f"zq{field}{state.replace('_', '')}leak"


def all_markers() -> list[str]:
    return [marker(state, field) for state in HIDDEN_STATES for field in FIELDS]


@pytest.fixture
def newsroom(world, editor, journalist, committed):
    """One visible story, and one story in every hidden state sharing its section, author and tag.

    Built as committed work, so on PostgreSQL every story is in the search index too.
    """
    with committed():
        return _build_newsroom(world, editor, journalist)


def _build_newsroom(world, editor, journalist):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    author = AuthorFactory(name="Shared Author", slug="shared-author")
    visible = ArticleFactory(
        title="Visible story", section=europe, authors=[author], tags=["Shared"], created_by=editor,
        published_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    workflow.add_correction(visible, editor, kind="correction", note="A visible correction.")
    now = timezone.now()
    hidden = {}
    for state in HIDDEN_STATES:
        fields = {
            "draft": {"status": "draft", "published_at": None},
            "in_review": {"status": "in_review", "published_at": None},
            "sent_back": {"status": "sent_back", "published_at": None},
            "scheduled": {"status": "published", "published_at": now + timedelta(days=3)},
            "embargoed": {"status": "published", "published_at": now - timedelta(days=1),
                          "embargo_until": now + timedelta(days=3)},
            "unpublished": {"status": "unpublished", "published_at": now - timedelta(days=1)},
        }[state]  # fmt: skip
        story = ArticleFactory(
            title=f"Hidden {marker(state, 'headline')}",
            standfirst=f"Standfirst {marker(state, 'standfirst')}",
            body=f"Body {marker(state, 'body')} text.",
            section=europe,
            authors=[author],
            tags=["Shared", marker(state, "tag")],
            lead_image=image_file(),
            lead_image_alt="A picture",
            lead_image_caption=f"Caption {marker(state, 'caption')}",
            created_by=journalist,
            **fields,
        )
        # Corrections recorded before unpublishing must not surface either.
        if state == "unpublished":
            story.status = "published"
            story.save()
            workflow.add_correction(story, editor, kind="update", note=f"Update {marker(state, 'body')}")
            workflow.unpublish(story, editor, reason="Legal")
        hidden[state] = Article.objects.get(pk=story.pk)
    return {"visible": visible, "hidden": hidden, "author": author}


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


def assert_no_marker(url: str, response) -> None:
    content = response.content.decode(errors="replace")
    # A page may repeat its own address (its canonical link, the search box): that is what the
    # visitor sent, not something the site let out. Nothing else of a hidden story may appear.
    content = content.replace(url.split("?")[0], "")
    if url.startswith("/search/?q="):
        content = content.replace(url.split("=", 1)[1], "")
    found = [m for m in all_markers() if m in content.lower()]
    assert not found, f"{url} shows {found}"
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, flags=re.S):
        json.loads(block)  # and it is data, not a way out of the script element


def test_every_public_url_pattern_is_crawled(newsroom):
    crawled = set(urls_to_crawl(newsroom))
    uncovered = [route for route, name in public_routes() if name not in crawled and name is not None]
    assert not uncovered, f"Public views without a leak check: {uncovered}. Add them to urls_to_crawl()."


@pytest.mark.parametrize("cache_seconds", [0, 600], ids=["uncached", "cached"])
def test_no_hidden_story_appears_on_any_public_surface(client, newsroom, settings, cache_seconds):
    settings.PAGE_CACHE_SECONDS = cache_seconds
    for _passes in range(2 if cache_seconds else 1):  # the second pass is served from the cache
        for _name, urls in urls_to_crawl(newsroom).items():
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 301, 302, 404), (url, response.status_code)
                assert_no_marker(url, response)
    hidden_story = newsroom["hidden"]["draft"].get_absolute_url()
    assert client.get(hidden_story).status_code == 404


def test_the_visible_story_is_really_there(client, newsroom):
    """The crawl finds the published story, so an empty site cannot pass the leak test by accident."""
    assert "Visible story" in client.get("/europe/").content.decode()
    assert "Visible story" in client.get("/feeds/rss/").content.decode()
    assert "Visible story" in client.get("/search/?q=visible").content.decode()
    assert client.get(newsroom["visible"].get_absolute_url()).status_code == 200


def test_related_boxes_on_the_visible_story_hold_no_hidden_story(client, newsroom):
    response = client.get(newsroom["visible"].get_absolute_url())
    shown = {story.pk for story in [*response.context["related"], *response.context["more_from_section"]]}
    assert not shown & {story.pk for story in newsroom["hidden"].values()}


def test_expired_and_revoked_preview_links_show_nothing(client, newsroom, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    draft = newsroom["hidden"]["draft"]
    _expiring, expiring_token = previews.create_link(draft, editor, lifetime=timedelta(hours=1))
    revoked, revoked_token = previews.create_link(draft, editor)
    previews.revoke_link(revoked, editor)
    assert marker("draft", "headline") in client.get(f"/preview/{expiring_token}/").content.decode()
    time_machine.shift(timedelta(hours=2))
    for token in (expiring_token, revoked_token):
        response = client.get(f"/preview/{token}/")
        assert response.status_code == 410
        assert_no_marker(f"/preview/{token}/", response)


def test_a_scheduled_story_leaks_nothing_until_its_time_then_appears(client, newsroom, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    scheduled = newsroom["hidden"]["scheduled"]
    assert marker("scheduled", "headline") not in client.get("/feeds/rss/").content.decode()
    time_machine.shift(timedelta(days=4))
    assert marker("scheduled", "headline") in client.get("/feeds/rss/").content.decode()
    assert client.get(scheduled.get_absolute_url()).status_code == 200
