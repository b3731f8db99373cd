"""The reader site's layout on a phone and a desktop: the news starts near the top, and nothing scrolls sideways."""

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# How far down a phone's screen the first headline of the front page may start, in CSS pixels.
NEWS_STARTS_WITHIN = 120


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--no-accounts", verbosity=0)


def reader_pages() -> dict[str, str]:
    story = Article.objects.published().order_by("-published_at").first()
    year, month = story.published_at.year, story.published_at.month
    return {
        "front page": "/",
        "section": "/world/",
        "story": story.get_absolute_url(),
        "author": "/authors/david-wyatt/",
        "author list": "/authors/",
        "tag": "/tags/nato/",
        "archive": "/archive/",
        "archive month": f"/archive/{year}/{month:02}/",
        "search": "/search/?q=NATO",
        "corrections": "/corrections/",
        "publication page": "/info/about/",
        "not found": "/no-such-page/",
    }


def test_first_headline_on_a_phone_starts_near_the_top(live_server, page, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    headline = page.locator("main .card__title").first
    box = headline.bounding_box()
    assert headline.inner_text().strip()
    assert box["y"] <= NEWS_STARTS_WITHIN, f"the first headline starts {box['y']:.0f}px down"


def test_no_page_scrolls_sideways(live_server, page, demo):
    for name, path in reader_pages().items():
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            page.goto(live_server.url + path)
            page_width = page.evaluate("document.documentElement.scrollWidth")
            assert page_width <= viewport["width"], f"{name} at {viewport['width']}px is {page_width}px wide"


def test_search_icon_opens_the_search_field_without_script(browser, live_server, demo):
    # No JavaScript at all: the icon is a <details>' summary.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    field = page.get_by_role("searchbox", name="Search Buna Times")
    assert not field.is_visible()
    page.locator(".masthead__search > summary").click()
    assert field.is_visible()
    field.fill("NATO")
    field.press("Enter")
    page.wait_for_url("**/search/?q=NATO")
    assert page.locator("main .card__title").count() > 0
    context.close()


def test_sections_are_one_row_that_scrolls_sideways_on_a_phone(live_server, page, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    tops = page.locator(".sections li").evaluate_all("items => items.map(item => item.getBoundingClientRect().top)")
    assert len(set(tops)) == 1, "the sections wrap onto more than one line"
    assert page.locator(".sections ul").evaluate("list => getComputedStyle(list).overflowX") == "auto"
