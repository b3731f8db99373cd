"""A story with a figure, a gallery and an embed in a real browser: nothing reaches the provider before
the reader asks, the frame comes after the click, the link works without JavaScript, axe finds nothing."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import ArticleFactory, ImageFactory
from tests.helpers.browser import axe_report

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

PROVIDER_HOSTS = ("youtube.com", "youtube-nocookie.com", "ytimg.com", "googlevideo.com")


@pytest.fixture
def story_url(live_server, transactional_db):
    figure = ImageFactory(alt_text="Boats in the harbour", caption="The fleet leaves.", credit="Jane Roe / Reuters")
    first, second = ImageFactory.create_batch(2)
    body = (
        f"Intro.\n\n![](image:{figure.pk})\n\n::: gallery\n![](image:{first.pk})\n![](image:{second.pk})\n:::\n\n"
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ\n\nThe end."
    )
    return live_server.url + ArticleFactory(title="A story with media", body=body).get_absolute_url()


def test_the_embed_asks_the_provider_for_nothing_until_the_reader_clicks(page, story_url):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # The test machine has no Internet: the provider's frame is answered here, after being recorded.
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(body="<p>Video</p>"))

    page.goto(story_url)
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("figure").filter(has_text="The fleet leaves.").count() == 1
    assert not [url for url in requested if any(host in url for host in PROVIDER_HOSTS)]

    button = page.get_by_role("button", name="Load content from YouTube — this sets cookies")
    button.click()
    frame = page.locator("figure.embed iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
    page.wait_for_load_state("networkidle")
    assert [url for url in requested if "youtube-nocookie.com" in url] == [
        "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
    ]


def test_without_javascript_the_embed_is_a_link_and_the_gallery_shows_every_picture(browser, story_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(story_url)
        assert not page.get_by_role("button", name="Load content from YouTube — this sets cookies").is_visible()
        link = page.get_by_role("link", name="View on YouTube")
        assert link.get_attribute("href") == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
        assert page.locator(".gallery img").count() == 2
        assert page.locator(".gallery img").nth(1).is_visible()
    finally:
        context.close()


def test_axe_finds_no_serious_problem_on_a_story_with_a_figure_a_gallery_and_an_embed(page, story_url):
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        page.set_viewport_size(viewport)
        page.goto(story_url)
        violations = Axe().run(page).response["violations"]
        blocking = [violation for violation in violations if violation["impact"] in {"serious", "critical"}]
        assert not blocking, f"at {viewport['width']}px:\n{axe_report(blocking)}"
