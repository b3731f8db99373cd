"""Pictures and embeds from the desk to the reader, in a real browser: a journalist uploads pictures, sets a
focal point, puts a figure and a YouTube embed in the sample story with the toolbar; an editor publishes; a
reader sees the figure with its caption and credit, and the embed asks before anything reaches YouTube.

No request leaves the machine: every address but the live server's is aborted, and recorded."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from articles.demo import SAMPLE_STORY
from articles.ingest.plaintext import parse_plain_text
from articles.models import Article
from media_library.models import Image
from tests.browser.test_media_library import jpeg
from tests.factories import ArticleFactory, ImageFactory, image_file
from tests.helpers.browser import axe_report, log_in, put_cursor_after

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
# Everything YouTube's frame (and its player) would ask for, whatever the exact host.
PROVIDER = re.compile(r"^https?://([^/]*\.)?(youtube(-nocookie)?\.com|youtu\.be|ytimg\.com|googlevideo\.com)[:/]")


def outside_requests(page, base: str) -> list[str]:
    """Every request the page makes to anywhere but the live server, aborted (there is no internet)."""
    outside: list[str] = []
    local = re.compile("^" + re.escape(base) + "(/|$)")

    def refuse(route) -> None:
        outside.append(route.request.url)
        route.abort()

    page.context.route(lambda url: not local.match(url) and not url.startswith(("data:", "blob:")), refuse)
    return outside


def test_a_figure_and_an_embed_go_from_the_desk_to_the_reader(
    live_server, page, journalist, editor, world, served_media
):
    call_command("load_demo", "--no-accounts", verbosity=0)
    sample = parse_plain_text(SAMPLE_STORY.read_text(encoding="utf-8"))
    headline = "Rutte in Kyiv: with pictures"
    base = live_server.url

    # The journalist uploads two pictures through the library's batch upload page.
    log_in(page, base, "journalist")
    page.goto(f"{base}/admin/media_library/image/upload/")
    page.set_input_files(
        "#batch-files", [jpeg("kyiv.jpg", (1600, 900), (40, 80, 150)), jpeg("rutte.jpg", (900, 1200), (150, 90, 40))]
    )
    page.get_by_label("Credit for all of them").fill("Ann Lee / Newsroom")
    rows = page.locator(".batch-item")
    rows.nth(0).get_by_label("Alt text").fill("Rutte and Zelensky at a lectern in Kyiv")
    rows.nth(0).get_by_label("Caption").fill("Mark Rutte and Volodymyr Zelensky meet the press.")
    rows.nth(1).get_by_label("Alt text").fill("Mark Rutte arriving by train")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#batch-status")).to_contain_text("2 uploaded")
    lectern = Image.objects.get(alt_text__startswith="Rutte and Zelensky")

    # … sets the focal point of one by clicking on it, and saves.
    page.goto(f"{base}/admin/media_library/image/{lectern.pk}/change/")
    picture = page.locator("[data-focal-point] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.4})
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{base}/admin/media_library/image/")
    lectern.refresh_from_db()
    assert (lectern.focal_x, lectern.focal_y) == (pytest.approx(0.25, abs=0.01), pytest.approx(0.4, abs=0.01))

    # … writes the sample story, puts the picture after its first paragraph and a video at its end.
    page.goto(f"{base}/admin/articles/article/add/")
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Standfirst").fill(sample.standfirst)
    page.get_by_label("Body").fill(sample.body)
    page.get_by_label("Tags").fill("NATO, Ukraine")
    first_paragraph = sample.body.split("\n\n")[0]
    put_cursor_after(page, first_paragraph)
    page.get_by_role("button", name="Picture", exact=True).click()
    chooser = page.get_by_role("dialog", name="Choose a picture")
    chooser.get_by_label("Search pictures").fill("lectern")
    chooser.get_by_label("Search pictures").press("Enter")
    expect(chooser.locator(".media-chooser-choice")).to_have_count(1)
    chooser.get_by_role("button", name="Rutte and Zelensky at a lectern in Kyiv").click()
    expect(chooser).to_be_hidden()
    page.get_by_label("Body").evaluate("body => body.setSelectionRange(body.value.length, body.value.length)")
    page.get_by_role("button", name="Embed").click()
    embed_dialog = page.get_by_role("dialog", name="Embed a post or video")
    embed_dialog.get_by_label("Address (URL)").fill(VIDEO)
    embed_dialog.get_by_role("button", name="Insert").click()
    body = page.get_by_label("Body").input_value()
    assert f"{first_paragraph}\n\n![](image:{lectern.pk})\n\n" in body
    assert body.endswith(f"\n\n{VIDEO}")
    # The live preview shows the figure as readers will get it (the server renders it).
    preview = page.locator("#desk-preview")
    expect(preview.locator("figure figcaption")).to_contain_text("Mark Rutte and Volodymyr Zelensky meet the press.")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review.")

    # The editor publishes it.
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/articles/article/")
    page.get_by_role("link", name=headline).click()
    page.get_by_role("button", name="Save and publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("Published: readers can see it now.")

    # A reader sees the figure with its caption and credit, and an embed that loads nothing before a click.
    page.context.clear_cookies()
    outside = outside_requests(page, base)
    page.goto(base + Article.objects.get(title=headline).get_absolute_url())
    figure = page.locator(".story__body figure").filter(has=page.locator("picture"))
    expect(figure).to_have_count(1)
    expect(figure.locator("img")).to_have_attribute("alt", "Rutte and Zelensky at a lectern in Kyiv")
    expect(figure.locator("figcaption")).to_contain_text("Mark Rutte and Volodymyr Zelensky meet the press.")
    expect(figure.locator("figcaption")).to_contain_text("Ann Lee / Newsroom")
    figure.scroll_into_view_if_needed()
    expect(figure.locator("img")).to_have_js_property("complete", True)
    assert figure.locator("img").evaluate("image => image.naturalWidth") > 0

    load = page.get_by_role("button", name=re.compile("Load content from YouTube"))
    load.scroll_into_view_if_needed()
    expect(load).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("YouTube"))).to_have_attribute("href", VIDEO)
    page.wait_for_load_state("networkidle")
    assert not [url for url in outside if PROVIDER.match(url)], outside
    assert not outside, f"the story page asked other sites before any click: {outside}"

    load.click()
    frame = page.locator(".story__body iframe")
    expect(frame).to_have_count(1)
    assert PROVIDER.match(frame.get_attribute("src"))
    page.wait_for_load_state("networkidle")
    assert [url for url in outside if PROVIDER.match(url)], "the click should have asked YouTube for its frame"


def test_axe_finds_no_violations_on_a_story_with_a_figure_a_gallery_and_an_embed(
    live_server, page, journalist, world, served_media
):
    pictures = [
        ImageFactory(file=image_file(size=size), alt_text=alt, caption=f"{alt}.", credit="Ann Lee / Newsroom")
        for alt, size in [("Ferries at dawn", (1200, 800)), ("A crane", (800, 1200)), ("The quay", (900, 900))]
    ]
    story = ArticleFactory(
        title="The harbour reopens", section=world, authors=[journalist.author],
        body=(
            f"The harbour reopened on Monday.\n\n![](image:{pictures[0].pk})\n\nShips came back.\n\n"
            f"::: gallery\n![](image:{pictures[1].pk})\n![](image:{pictures[2].pk})\n:::\n\n"
            f"The mayor spoke.\n\n{VIDEO}\n\nThat was all."
        ),
    )  # fmt: skip
    outside = outside_requests(page, live_server.url)
    page.goto(live_server.url + story.get_absolute_url())
    expect(page.locator(".story__body figure picture")).to_have_count(3)
    expect(page.get_by_role("button", name=re.compile("Load content from YouTube"))).to_be_visible()
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        page.set_viewport_size(viewport)
        page.reload()
        violations = Axe().run(page).response["violations"]
        assert not violations, f"story at {viewport['width']}px:\n{axe_report(violations)}"
    assert not outside, outside
