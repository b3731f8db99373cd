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
from django.utils import timezone

from articles import previews
from tests.helpers.crawl import all_markers, marker, public_routes, urls_to_crawl

pytestmark = pytest.mark.django_db


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
    live = client.get(newsroom["live"]["visible"].get_absolute_url()).content.decode()
    assert "A visible live post." in live and "Visible key point." in live
    assert "A visible live post." in client.get(f"/live/{newsroom['live']['visible'].pk}/updates.json").content.decode()


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


def test_a_picture_only_a_hidden_story_shows_is_nowhere_public_and_its_library_page_is_staff_only(
    client, newsroom, journalist
):
    stems = {
        state: picture.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] for state, picture in newsroom["pictures"].items()
    }
    for _name, urls in urls_to_crawl(newsroom).items():
        for url in urls:
            content = client.get(url).content.decode(errors="replace")
            shown = [state for state, stem in stems.items() if stem in content]
            assert not shown, f"{url} shows the file of the picture of the {shown} story"
    for picture in newsroom["pictures"].values():
        library_page = picture.get_absolute_url()
        assert library_page.startswith("/admin/")
        response = client.get(library_page)
        assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(journalist)
    assert client.get(newsroom["pictures"]["draft"].get_absolute_url()).status_code == 200
