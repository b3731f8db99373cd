"""Reader pages are cached, and a change readers could see is never hidden behind the cache."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_story(world, editor):
    author = AuthorFactory(name="Cached Writer", slug="cached-writer")
    return ArticleFactory(
        title="Original cached headline", section=world, authors=[author], tags=["Cachetag"], created_by=editor
    )


def pages_showing(story: Article) -> list[str]:
    """Every reader page the story appears on."""
    return ["/", story.get_absolute_url(), "/world/", "/authors/cached-writer/", "/tags/cachetag/"]


def test_a_second_request_of_an_unchanged_page_is_a_cache_hit(client, live_story):
    for url in pages_showing(live_story):
        first = client.get(url)
        second = client.get(url)
        assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT", url
        assert first.content == second.content


def test_a_cache_hit_costs_one_query_for_the_content_generation(client, live_story, django_assert_num_queries):
    # The generation lives in the database so that every process agrees on it: one indexed row.
    client.get("/")
    with django_assert_num_queries(1) as captured:
        assert client.get("/")["X-Cache"] == "HIT"
    assert "pagecache_contentgeneration" in captured.captured_queries[0]["sql"]


def _warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200
        assert client.get(url)["X-Cache"] == "HIT"


def test_an_edit_shows_on_the_next_request_of_every_page(client, live_story, editor):
    urls = pages_showing(live_story)
    _warm(client, urls)
    live_story.title = "Edited headline"
    live_story.save()
    for url in urls:
        response = client.get(url)
        assert "Edited headline" in response.content.decode(), url


def test_a_publish_shows_on_the_next_request_of_every_page(client, world, editor, journalist):
    story = ArticleFactory(
        title="Fresh news", section=world, authors=[AuthorFactory(slug="cached-writer")], tags=["Cachetag"],
        created_by=journalist, draft=True,
    )  # fmt: skip
    ArticleFactory(section=world, authors=[story.byline_authors[0]], tags=["Cachetag"])  # pages exist before
    urls = ["/", "/world/", "/authors/cached-writer/", "/tags/cachetag/"]
    _warm(client, urls)
    workflow.submit(story, journalist)
    workflow.publish(story, editor)
    for url in [*urls, Article.objects.get(pk=story.pk).get_absolute_url()]:
        assert "Fresh news" in client.get(url).content.decode(), url


def test_an_unpublish_shows_on_the_next_request_of_every_page(client, live_story, editor):
    urls = pages_showing(live_story)
    ArticleFactory(section=live_story.section, authors=live_story.byline_authors, tags=["Cachetag"])
    _warm(client, urls)
    workflow.unpublish(live_story, editor, reason="Legal")
    assert client.get(live_story.get_absolute_url()).status_code == 404
    for url in urls[:1] + urls[2:]:
        assert "Original cached headline" not in client.get(url).content.decode(), url


def test_a_correction_shows_on_the_next_request(client, live_story, editor):
    _warm(client, [live_story.get_absolute_url(), "/corrections/"])
    workflow.add_correction(live_story, editor, kind="correction", note="We got the date wrong.")
    assert "We got the date wrong." in client.get(live_story.get_absolute_url()).content.decode()
    assert "We got the date wrong." in client.get("/corrections/").content.decode()


def test_a_scheduled_story_appears_on_time_even_with_the_cache_warm(client, world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(title="Already out", section=world)
    ArticleFactory(title="Goes live soon", section=world, published_at=timezone.now() + timedelta(minutes=5))
    _warm(client, ["/", "/world/"])
    assert "Goes live soon" not in client.get("/").content.decode()
    time_machine.shift(timedelta(minutes=5, seconds=1))
    assert "Goes live soon" in client.get("/").content.decode()
    assert "Goes live soon" in client.get("/world/").content.decode()


def test_staff_never_get_a_cached_page_and_their_pages_are_never_stored(client, live_story, editor):
    client.get("/")  # cached for readers
    client.force_login(editor)
    staff_view = client.get("/")
    assert "X-Cache" not in staff_view and "private" in staff_view["Cache-Control"]
    client.logout()
    client.cookies.clear()
    ArticleFactory(title="Another story", section=live_story.section)  # new generation
    client.force_login(editor)
    client.get("/world/")  # rendered for staff: must not be stored
    client.logout()
    client.cookies.clear()
    assert client.get("/world/")["X-Cache"] == "MISS"


def test_previews_and_admin_pages_are_never_cached(client, world, editor, journalist):
    draft = ArticleFactory(title="Embargoed marker", section=world, created_by=journalist, draft=True)
    client.force_login(editor)
    preview = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert "no-cache" in preview["Cache-Control"] and "X-Cache" not in preview
    client.logout()
    client.cookies.clear()
    assert "Embargoed marker" not in client.get("/").content.decode()


def test_reader_pages_tell_cdns_how_long_to_keep_them(client, live_story, settings):
    response = client.get("/")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control
    assert f"s-maxage={settings.PAGE_CACHE_SHARED_SECONDS}" in cache_control
    assert "stale-while-revalidate" in cache_control
    assert response.has_header("Last-Modified") and response.has_header("ETag")


def test_conditional_get_answers_304_when_nothing_changed(client, live_story):
    first = client.get("/")
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    live_story.title = "Changed"
    live_story.save()
    assert client.get("/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_cache_can_be_turned_off(client, live_story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert "X-Cache" not in client.get("/")


def test_check_deploy_notes_when_each_process_keeps_its_own_pages(settings):
    from django.core.checks import INFO

    from pagecache.checks import check_page_cache_scope

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    [message] = check_page_cache_scope()
    assert message.id == "pagecache.I001" and message.level == INFO  # correct, so --fail-level WARNING passes
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    assert check_page_cache_scope() == []
