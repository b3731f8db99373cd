"""Accessibility: axe-core finds no problem at all on every reader page type, in the light and dark schemes."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from articles.models import Article
from tests.helpers.browser import axe_report

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

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
    "archive month": lambda: Article.objects.get(title=SAMPLE_HEADLINE).published_at.strftime("/archive/%Y/%m/"),
    "author list": lambda: "/authors/",
    "corrections": lambda: "/corrections/",
    "publication page": lambda: "/info/about/",
    "not found": lambda: "/no-such-page/",
}


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--no-accounts", verbosity=0)


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(live_server, page, demo, name):
    url = live_server.url + PAGES[name]()
    # A desktop and a phone: the layouts differ, and so can contrast, overlap and target sizes; and each in
    # both colour schemes, since dark mode has colours of its own (prefers-color-scheme).
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
            page.set_viewport_size(viewport)
            page.goto(url)
            violations = Axe().run(page).response["violations"]
            assert not violations, f"{name} at {viewport['width']}px, {scheme}:\n{axe_report(violations)}"


def test_search_results_page_finds_the_sample_story(live_server, page, demo):
    # Guards the check above: it must look at a page with results, not an empty one.
    page.goto(live_server.url + "/search/?q=NATO")
    assert page.get_by_role("link", name=SAMPLE_HEADLINE).is_visible()
    assert page.locator("mark").first.inner_text() == "NATO"
