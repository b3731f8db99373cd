"""Accessibility: axe-core finds no serious or critical problems on the pages readers use most."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from articles.models import Article
from tests.helpers.browser import axe_report

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

BLOCKING_IMPACTS = {"serious", "critical"}
SAMPLE_HEADLINE = (
    "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
)
PAGES = {
    "front page": lambda: "/",
    "section": lambda: "/world/",
    "story": lambda: Article.objects.get(title=SAMPLE_HEADLINE).get_absolute_url(),
    "live story": lambda: Article.objects.get(live_coverage__isnull=False).get_absolute_url(),
    "author": lambda: "/authors/david-wyatt/",
    "search results": lambda: "/search/?q=NATO",
    "search without a query": lambda: "/search/",
    "tag": lambda: "/tags/nato/",
    "archive": lambda: "/archive/",
    "not found": lambda: "/no-such-page/",
}


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--no-accounts", verbosity=0)


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(live_server, page, demo, name):
    url = live_server.url + PAGES[name]()
    # A desktop and a phone: the layouts differ, and so can contrast, overlap and target sizes.
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        page.set_viewport_size(viewport)
        page.goto(url)
        violations = Axe().run(page).response["violations"]
        blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"{name} at {viewport['width']}px:\n{axe_report(blocking)}"


def test_search_results_page_finds_the_sample_story(live_server, page, demo):
    # Guards the check above: it must look at a page with results, not an empty one.
    page.goto(live_server.url + "/search/?q=NATO")
    assert page.get_by_role("link", name=SAMPLE_HEADLINE).is_visible()
    assert page.locator("mark").first.inner_text() == "NATO"
