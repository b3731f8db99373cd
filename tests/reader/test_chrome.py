"""The navigation and footer every reader page shows, kept per content generation (``articles.chrome``)."""

import pytest
import time_machine

from articles.models import PublicationPage
from tests.factories import ArticleFactory, SectionFactory


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every request renders its page: what is tested is the chrome kept, not the whole page cached."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def sport(db):
    return SectionFactory(name="Sport", slug="sport")


def nav(html: str) -> str:
    return html[html.index('<nav class="sections"') : html.index("</header>")]


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def test_a_renamed_section_shows_on_the_next_page(client, world, sport):
    assert ">World</a>" in nav(client.get("/sport/").content.decode())
    world.name = "Foreign"
    world.save()
    html = client.get("/sport/").content.decode()
    assert ">Foreign</a>" in nav(html) and ">World</a>" not in nav(html)
    assert ">Foreign</a>" in footer(html) and ">World</a>" not in footer(html)


def test_a_new_section_and_a_removed_one_show_on_the_next_page(client, world, sport):
    client.get("/world/")
    SectionFactory(name="Culture", slug="culture")
    sport.delete()
    html = client.get("/world/").content.decode()
    assert ">Culture</a>" in nav(html) and ">Sport</a>" not in nav(html)
    assert ">Culture</a>" in footer(html) and ">Sport</a>" not in footer(html)


def test_the_current_section_is_marked_on_each_page_whatever_was_kept(client, world, sport, author):
    story = ArticleFactory(section=world, authors=[author])
    for _ in range(2):  # rendered, then kept
        assert '<a href="/world/" aria-current="page">World</a>' in nav(client.get("/world/").content.decode())
        on_story = nav(client.get(story.get_absolute_url()).content.decode())
        assert '<a href="/world/" aria-current="true">World</a>' in on_story
        assert '<a href="/sport/">Sport</a>' in on_story
        assert 'aria-current="page">Sport</a>' in nav(client.get("/sport/").content.decode())
        assert "aria-current" not in nav(client.get("/corrections/").content.decode())


def test_a_publication_page_change_shows_in_the_footer(client, world):
    page = PublicationPage.objects.create(title="Our ombudsman", slug="ombudsman", body="Who we are.")
    assert '<a href="/info/ombudsman/">Our ombudsman</a>' in footer(client.get("/world/").content.decode())
    page.title = "Who we are"
    page.save()
    assert '<a href="/info/ombudsman/">Who we are</a>' in footer(client.get("/world/").content.decode())
    page.delete()
    assert "/info/ombudsman/" not in footer(client.get("/world/").content.decode())


def test_the_site_name_comes_from_the_settings(client, world, settings):
    client.get("/world/")
    settings.SITE_NAME = "The Other Paper"
    assert "<strong>The Other Paper</strong>" in footer(client.get("/world/").content.decode())


def test_the_footer_year_follows_the_clock(client, world):
    with time_machine.travel("2030-06-01 12:00Z"):
        assert "© 2030 " in footer(client.get("/world/").content.decode())
    with time_machine.travel("2031-06-01 12:00Z"):
        assert "© 2031 " in footer(client.get("/world/").content.decode())


def test_the_search_forms_sections_follow_renames_and_mark_the_one_searched(client, world, sport):
    def options(url: str) -> str:
        html = client.get(url).content.decode()
        return html[html.index('<select id="search-section"') : html.index("</select>")]

    assert '<option value="world">World</option>' in options("/search/?q=x")
    assert '<option value="world" selected>World</option>' in options("/search/?q=x&section=world")
    SectionFactory(name="Europe", slug="europe", parent=world)
    world.name = "Foreign"
    world.save()
    shown = options("/search/?q=x&section=world")
    assert '<option value="world" selected>Foreign</option>' in shown
    assert '<option value="europe">Foreign › Europe</option>' in shown
    assert '<option value="sport">Sport</option>' in options("/search/?q=x")
