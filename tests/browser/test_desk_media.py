"""Pictures and embeds in the writing desk, in a real browser: the Picture, Gallery and Embed buttons, the
library's chooser in its dialog (search, more pages, keyboard, focus, upload) and its accessibility."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Article
from media_library import chooser
from media_library.models import Image
from tests.browser.test_media_library import jpeg
from tests.factories import ImageFactory, image_file
from tests.helpers.browser import axe_report, log_in, put_cursor_after

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser


@pytest.fixture
def draft(draft):
    """The journalist's draft, in two paragraphs to put pictures between."""
    Article.objects.filter(pk=draft.pk).update(body="First paragraph.\n\nSecond paragraph.")
    return draft


def open_draft(page, base: str, story) -> None:
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    expect(page.locator(".desk-toolbar")).to_be_visible()


def test_picture_searches_the_library_and_inserts_a_figure_as_its_own_paragraph(
    live_server, page, journalist, draft, served_media
):
    ImageFactory(file=image_file(size=(320, 240)), alt_text="Cranes over the docks", uploaded_by=journalist)
    ferry = ImageFactory(file=image_file(size=(320, 240)), alt_text="The morning ferry", uploaded_by=journalist)
    log_in(page, live_server.url, "journalist")
    open_draft(page, live_server.url, draft)
    put_cursor_after(page, "First paragraph.")

    picture = page.get_by_role("button", name="Picture", exact=True)
    picture.click()
    dialog = page.get_by_role("dialog", name="Choose a picture")
    expect(dialog).to_be_visible()
    search = dialog.get_by_label("Search pictures")
    expect(search).to_be_focused()
    expect(dialog.locator(".media-chooser-choice")).to_have_count(2)

    # Searching with the keyboard: type, Enter; Tab reaches the one result; Enter chooses it.
    search.fill("ferry")
    search.press("Enter")
    expect(dialog.locator(".media-chooser-choice")).to_have_count(1)
    expect(search).to_be_focused()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the ferry
    expect(dialog.get_by_role("button", name="The morning ferry")).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    body = page.get_by_label("Body")
    expect(body).to_have_value(f"First paragraph.\n\n![](image:{ferry.pk})\n\nSecond paragraph.")
    expect(body).to_be_focused()

    # Escape closes the dialog without inserting anything, and focus goes back to the button.
    picture.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(picture).to_be_focused()
    expect(body).to_have_value(f"First paragraph.\n\n![](image:{ferry.pk})\n\nSecond paragraph.")


def test_the_chooser_shows_more_pictures_a_page_at_a_time(live_server, page, journalist, draft, served_media):
    for number in range(chooser.PAGE_SIZE + 3):
        ImageFactory(alt_text=f"Harbour view {number}", uploaded_by=journalist)
    log_in(page, live_server.url, "journalist")
    open_draft(page, live_server.url, draft)
    page.get_by_role("button", name="Picture", exact=True).click()
    dialog = page.get_by_role("dialog", name="Choose a picture")
    choices = dialog.locator(".media-chooser-choice")
    expect(choices).to_have_count(chooser.PAGE_SIZE)
    dialog.get_by_role("link", name="More pictures").click()
    expect(choices).to_have_count(chooser.PAGE_SIZE + 3)
    expect(dialog.get_by_role("link", name="More pictures")).to_have_count(0)  # that was the last page
    expect(choices.nth(chooser.PAGE_SIZE)).to_be_focused()  # the keyboard goes on where the list grew
    page.keyboard.press("Enter")
    oldest = Image.objects.order_by("uploaded_at", "pk")[2]
    expect(page.get_by_label("Body")).to_have_value(f"![](image:{oldest.pk})\n\nFirst paragraph.\n\nSecond paragraph.")


def test_gallery_inserts_the_chosen_pictures_in_the_order_chosen(live_server, page, journalist, draft, served_media):
    first, second, third = (ImageFactory(alt_text=f"Boat {n}", uploaded_by=journalist) for n in (1, 2, 3))
    log_in(page, live_server.url, "journalist")
    open_draft(page, live_server.url, draft)
    put_cursor_after(page, "Second paragraph.")
    page.get_by_role("button", name="Gallery").click()
    dialog = page.get_by_role("dialog", name="Choose pictures for a gallery")
    dialog.get_by_role("button", name="Boat 3").click()
    dialog.get_by_role("button", name="Insert gallery").click()
    expect(dialog.get_by_role("status")).to_contain_text("at least 2")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Boat 1").click()
    dialog.get_by_role("button", name="Boat 2").click()
    dialog.get_by_role("button", name="Boat 2").click()  # changed their mind
    expect(dialog.get_by_role("button", name="Boat 2")).to_have_attribute("aria-pressed", "false")
    expect(dialog.get_by_role("button", name="Boat 1")).to_have_attribute("aria-pressed", "true")
    expect(dialog.get_by_role("status")).to_have_text("2 pictures chosen (at least 2).")
    dialog.get_by_role("button", name="Insert gallery").click()
    expect(page.get_by_label("Body")).to_have_value(
        f"First paragraph.\n\nSecond paragraph.\n\n::: gallery\n![](image:{third.pk})\n![](image:{first.pk})\n:::"
    )
    assert second.pk  # offered, chosen and unchosen: not in the gallery


def test_a_new_picture_is_uploaded_from_the_chooser_and_inserted(live_server, page, journalist, draft, served_media):
    log_in(page, live_server.url, "journalist")
    open_draft(page, live_server.url, draft)
    put_cursor_after(page, "Second paragraph.")
    page.get_by_role("button", name="Picture", exact=True).click()
    dialog = page.get_by_role("dialog", name="Choose a picture")
    expect(dialog).to_contain_text("No picture.")
    dialog.get_by_text("Upload a new picture").click()
    dialog.get_by_label("Picture (JPEG").set_input_files(jpeg("quay.jpg", (800, 600), (20, 60, 120)))
    dialog.get_by_role("button", name="Upload and choose").click()
    expect(dialog.get_by_role("alert")).to_have_text("Choose a file and describe it in the alt text.")
    dialog.get_by_label("Alt text").fill("The quay at night")
    dialog.get_by_label("Credit").fill("Ann Lee / Staff")
    dialog.get_by_role("button", name="Upload and choose").click()
    expect(dialog).to_be_hidden()
    quay = Image.objects.get()
    assert (quay.alt_text, quay.credit, quay.uploaded_by) == ("The quay at night", "Ann Lee / Staff", journalist)
    expect(page.get_by_label("Body")).to_have_value(f"First paragraph.\n\nSecond paragraph.\n\n![](image:{quay.pk})")


def test_a_bad_upload_in_the_chooser_says_why_and_keeps_what_was_typed(
    live_server, page, journalist, draft, served_media
):
    log_in(page, live_server.url, "journalist")
    open_draft(page, live_server.url, draft)
    page.get_by_role("button", name="Picture", exact=True).click()
    dialog = page.get_by_role("dialog", name="Choose a picture")
    dialog.get_by_text("Upload a new picture").click()
    not_a_picture = jpeg("notes.jpg", (10, 10), (0, 0, 0)) | {"buffer": b"these are notes, not a picture"}
    dialog.get_by_label("Picture (JPEG").set_input_files(not_a_picture)
    dialog.get_by_label("Alt text").fill("Notes")
    dialog.get_by_role("button", name="Upload and choose").click()
    expect(dialog.get_by_role("alert")).to_contain_text("File:")
    expect(dialog.get_by_label("Alt text")).to_have_value("Notes")
    assert not Image.objects.exists()


def test_embed_asks_for_an_address_names_the_providers_and_inserts_it_on_its_own_line(
    live_server, page, journalist, draft
):
    log_in(page, live_server.url, "journalist")
    open_draft(page, live_server.url, draft)
    put_cursor_after(page, "First")
    embed = page.get_by_role("button", name="Embed")
    embed.click()
    dialog = page.get_by_role("dialog", name="Embed a post or video")
    address = dialog.get_by_label("Address (URL)")
    expect(address).to_be_focused()
    description = dialog.locator("#desk-embed-help").text_content()
    assert "YouTube" in description and "stays a plain link" in description
    address.fill("javascript:alert(1)")
    address.press("Enter")
    expect(dialog.get_by_role("alert")).to_contain_text("starting with https://")
    address.fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    address.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Body")).to_have_value(
        "First\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n paragraph.\n\nSecond paragraph."
    )


def test_axe_finds_no_violations_in_the_story_form_with_the_chooser_open(
    live_server, page, journalist, draft, served_media
):
    ImageFactory(file=image_file(size=(320, 240)), alt_text="The morning ferry", uploaded_by=journalist)
    log_in(page, live_server.url, "journalist")
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        page.set_viewport_size(viewport)
        open_draft(page, live_server.url, draft)
        page.get_by_role("button", name="Picture", exact=True).click()
        dialog = page.get_by_role("dialog", name="Choose a picture")
        expect(dialog.locator(".media-chooser-choice")).to_have_count(1)
        dialog.get_by_text("Upload a new picture").click()  # its form too
        violations = Axe().run(page).response["violations"]
        assert not violations, f"chooser at {viewport['width']}px:\n{axe_report(violations)}"
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Gallery").click()  # pressed and unpressed choices
        gallery = page.get_by_role("dialog", name="Choose pictures for a gallery")
        gallery.get_by_role("button", name="The morning ferry").click()
        expect(gallery.get_by_role("button", name="The morning ferry")).to_have_attribute("aria-pressed", "true")
        violations = Axe().run(page).response["violations"]
        assert not violations, f"gallery chooser at {viewport['width']}px:\n{axe_report(violations)}"
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Embed").click()
        violations = Axe().run(page).response["violations"]
        assert not violations, f"embed dialog at {viewport['width']}px:\n{axe_report(violations)}"
