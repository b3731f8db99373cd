"""What a real browser does with {% picture %}: loads a WebP rendition sized for the screen."""

import pytest

from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, image_file

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

IMAGES = """() => [...document.images].map(img => ({
    alt: img.alt, src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0,
    drawn: img.getBoundingClientRect().width, fetched: parseInt(img.currentSrc.match(/(\\d+)w\\.\\w+$/)[1]),
}))"""


@pytest.fixture
def newsroom_with_images(settings):
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    world = SectionFactory(name="World", slug="world")
    author = AuthorFactory(slug="lena", bio="Writes.", photo=ImageFactory(file=image_file(size=(600, 600))))
    # Saved outside a transaction: renditions are made as each save commits.
    top = ArticleFactory(
        title="Top story", section=world, front_page_slot=1, authors=[author],
        lead_picture=ImageFactory(file=image_file(size=(1600, 1000)), alt_text="The top picture"),
    )  # fmt: skip
    for number in range(3):
        ArticleFactory(
            title=f"Story {number}", section=world, authors=[author],
            lead_picture=ImageFactory(file=image_file(size=(1200, 800)), alt_text=f"Picture {number}"),
        )  # fmt: skip
    return top


@pytest.mark.parametrize(("width", "scale"), [(1280, 1), (390, 2)])
def test_every_image_loads_as_a_webp_rendition_fit_for_the_screen(
    live_server, browser, newsroom_with_images, width, scale
):
    for path in ("/", newsroom_with_images.get_absolute_url(), "/authors/lena/"):
        # A fresh context each time: a browser reuses a larger file it already holds.
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale)
        page = context.new_page()
        page.goto(live_server.url + path)
        # Scroll to the end so lazy images load too.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        images = page.evaluate(IMAGES)
        context.close()
        assert images, path
        for image in images:
            assert image["loaded"] and image["src"].endswith(".webp"), (path, image)
            # Sharp (enough pixels for the screen) without fetching far more than it needs.
            needed = image["drawn"] * scale
            assert min(needed * 0.9, 1200) <= image["fetched"] <= max(needed * 2.5, 320), (path, image)
