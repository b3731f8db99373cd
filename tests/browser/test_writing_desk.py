"""The writing desk in a real browser: live preview, counts, autosave, the unsaved-changes warning,
presence, the phone layout and accessibility of the story form."""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import LEAVING_SECONDS
from tests.factories import ArticleFactory
from tests.helpers.browser import axe_report, log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser


@pytest.fixture
def draft(journalist, world):
    return ArticleFactory(
        draft=True, title="Rutte visits Kyiv", body="First paragraph.", section=world,
        authors=[journalist.author], created_by=journalist,
    )  # fmt: skip


def change_url(base: str, story) -> str:
    return f"{base}/admin/articles/article/{story.pk}/change/"


def test_live_preview_renders_markdown_as_readers_get_it(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    preview = page.locator("#desk-preview")
    expect(preview.locator(".story__body")).to_contain_text("First paragraph.")
    expect(preview.locator(".story__title")).to_have_text("Rutte visits Kyiv")

    page.get_by_label("Body").fill("Opening line.\n\n## What comes next\n\nA **bold** claim <script>x()</script>")
    # Within half a second of the pause (400 ms), with room for a slow test machine's request.
    expect(preview.locator(".story__body h2")).to_have_text("What comes next", timeout=1000)
    expect(preview.locator(".story__body strong")).to_have_text("bold")
    expect(preview.locator(".story__body script")).to_have_count(0)
    page.get_by_label("Headline").fill("A new headline")
    expect(preview.locator(".story__title")).to_have_text("A new headline")


def test_counts_follow_the_typing(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    counts = page.locator("#desk-body-counts")
    expect(counts).to_contain_text("2 words")
    page.get_by_label("Body").fill(" ".join(["word"] * 500))
    expect(counts).to_contain_text("500 words · 2,499 characters · 2 min read")

    page.get_by_label("Headline").fill("x" * 61)
    meter = page.locator("#desk-length-title")
    expect(meter).to_have_text("61 / 60 characters — longer than search engines show")
    expect(meter).to_have_class(re.compile("desk-length--over"))
    page.get_by_label("Standfirst").fill("Short.")
    expect(page.locator("#desk-length-standfirst")).to_have_text("6 / 160 characters")


def test_on_a_narrow_screen_the_preview_is_a_tab(live_server, page, journalist, draft):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    body, preview = page.get_by_label("Body"), page.locator("#desk-preview")
    expect(body).to_be_visible()
    expect(preview).to_be_hidden()
    page.get_by_role("tab", name="Preview").click()
    expect(preview).to_be_visible()
    expect(body).to_be_hidden()
    expect(preview.locator(".story__body")).to_contain_text("First paragraph.")
    page.get_by_role("tab", name="Write").click()
    expect(body).to_be_visible()


@pytest.fixture
def quick_autosave(settings):
    settings.DESK_AUTOSAVE_SECONDS = 1


def test_autosave_survives_closing_the_tab_and_restoring_brings_the_text_back(
    live_server, page, journalist, draft, quick_autosave
):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    page.get_by_label("Body").fill("First paragraph.\n\nA second paragraph nobody saved.")
    expect(page.locator(".desk-autosave-status")).to_contain_text("Unsaved changes kept at", timeout=5000)
    page.close()  # the tab is closed without saving

    page = page.context.new_page()
    page.goto(change_url(live_server.url, draft))
    offer = page.locator("#desk-offer")
    expect(offer).to_contain_text(re.compile(r"You have unsaved changes from \d\d:\d\d"))
    page.get_by_text("What would change").click()
    expect(offer.locator(".desk-diff ins").last).to_have_text("+ A second paragraph nobody saved.")
    expect(page.get_by_label("Body")).to_have_value("First paragraph.")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Body")).to_have_value("First paragraph.\n\nA second paragraph nobody saved.")
    expect(offer).to_be_hidden()

    # Saved for real: the autosave is superseded and not offered again.
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.reload()
    expect(page.get_by_label("Body")).to_have_value("First paragraph.\n\nA second paragraph nobody saved.")
    page.wait_for_timeout(500)
    expect(page.locator("#desk-offer")).to_be_hidden()


def test_a_new_story_is_autosaved_and_offered_on_the_add_form(live_server, page, journalist, world, quick_autosave):
    log_in(page, live_server.url, "journalist")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Floods in the north")
    page.get_by_label("Body").fill("Rivers burst their banks.")
    expect(page.locator(".desk-autosave-status")).to_contain_text("Unsaved changes kept at", timeout=5000)
    page.close()

    page = page.context.new_page()
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Headline")).to_have_value("Floods in the north")
    expect(page.get_by_label("Body")).to_have_value("Rivers burst their banks.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Saved: the next new story starts clean.
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.wait_for_timeout(800)
    expect(page.locator("#desk-offer")).to_be_hidden()


def test_offline_changes_wait_in_the_browser_and_go_when_the_connection_returns(
    live_server, page, journalist, draft, quick_autosave
):
    from desk.models import Autosave

    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    page.context.set_offline(True)
    page.get_by_label("Body").fill("Written on the train.")
    status = page.locator(".desk-autosave-status")
    expect(status).to_contain_text("Offline", timeout=5000)
    assert not Autosave.objects.exists()
    page.context.set_offline(False)
    expect(status).to_contain_text("Unsaved changes kept at", timeout=5000)
    assert Autosave.objects.get().fields["body"] == "Written on the train."


def test_leaving_with_unsaved_changes_asks_first(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_label("Body").click()
    page.keyboard.type(" More.")
    page.get_by_role("link", name="Home").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == change_url(live_server.url, draft)

    # Saving is not leaving: no question then.
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"]
    page.get_by_role("link", name="Home").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert dialogs == ["beforeunload"]


def test_presence_appears_in_another_browser_and_goes_when_it_closes(
    live_server, browser, page, journalist, editor, draft, settings
):
    settings.DESK_HEARTBEAT_SECONDS = 1
    settings.DESK_PRESENCE_STALE_SECONDS = 2
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    editor_page = other.new_page()
    log_in(editor_page, live_server.url, "editor")
    editor_page.goto(change_url(live_server.url, draft))
    expect(editor_page.locator("#desk-presence")).to_contain_text(
        re.compile(r"David Wyatt is editing this story — since \d\d:\d\d")
    )
    presence = page.locator("#desk-presence")
    expect(presence).to_contain_text(re.compile(r"Priya Raman is editing this story — since \d\d:\d\d"), timeout=5000)

    # The editor takes over: the journalist is told before typing more.
    editor_page.get_by_role("button", name="Take over").click()
    expect(editor_page.locator("#desk-presence")).to_contain_text("You took over this story")
    expect(presence).to_contain_text("Priya Raman took over this story", timeout=5000)
    expect(presence).to_contain_text("your next save will be refused as an edit conflict")

    other.close()
    time.sleep(LEAVING_SECONDS)
    expect(presence).not_to_contain_text("Priya Raman is editing", timeout=6000)


def select_in_body(page, text: str) -> None:
    page.get_by_label("Body").evaluate(
        "(body, text) => { body.focus(); const at = body.value.indexOf(text);"
        " body.setSelectionRange(at, at + text.length); }",
        text,
    )


def test_toolbar_and_shortcuts_write_the_markdown_the_body_supports(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    body = page.get_by_label("Body")
    body.fill("Heading here\n\nstrong words and soft words\n\nsay it\n\none\ntwo\n\nthe alliance")
    toolbar = page.get_by_role("toolbar", name="Formatting")

    select_in_body(page, "Heading")
    toolbar.get_by_role("button", name="Subheading").click()
    select_in_body(page, "strong")
    toolbar.get_by_role("button", name="Bold").click()
    select_in_body(page, "soft")
    page.keyboard.press("Control+i")
    select_in_body(page, "say it")
    toolbar.get_by_role("button", name="Quote").click()
    select_in_body(page, "one\ntwo")
    # Keyboard only: Shift+Tab from the body reaches the toolbar, the arrow keys move along it, Enter presses.
    page.keyboard.press("Shift+Tab")
    expect(toolbar.get_by_role("button", name="Subheading")).to_be_focused()
    page.keyboard.press("End")
    expect(toolbar.get_by_role("button", name="Embed")).to_be_focused()  # after Picture and Gallery
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    expect(toolbar.get_by_role("button", name="List")).to_be_focused()
    page.keyboard.press("Enter")
    select_in_body(page, "alliance")
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Insert a link")
    expect(dialog.get_by_label("Link text")).to_have_value("alliance")
    dialog.get_by_label("Address (URL)").fill("javascript:alert(1)")
    dialog.get_by_role("button", name="Insert link").click()
    expect(dialog).to_contain_text("Enter an address starting with https://")
    dialog.get_by_label("Address (URL)").fill("nato.int")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    select_in_body(page, "words and")
    page.keyboard.press("Control+b")

    expect(body).to_have_value(
        "## Heading here\n\n**strong** **words and** *soft* words\n\n> say it\n\n- one\n- two\n\nthe [alliance](https://nato.int)"
    )
    preview = page.locator("#desk-preview .story__body")
    expect(preview.locator("h2")).to_have_text("Heading here")
    expect(preview.locator("a")).to_have_attribute("href", "https://nato.int")
    expect(preview.locator("li")).to_have_count(2)


NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# Everything wider than the window, inner scrolling boxes included (a table that must be scrolled sideways).
TOO_WIDE = """() => { const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("#content *")].filter((node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && node.closest("[hidden], .collapsed") === null;
  }).map((node) => `${node.tagName.toLowerCase()}#${node.id}.${node.className}`); }"""


def test_the_story_form_fits_a_phone(live_server, page, editor, journalist, draft, world):
    draft.title = "A headline long enough to need several lines on a phone, as wire headlines often are " * 2
    draft.save()
    from django.utils import timezone

    ArticleFactory(
        section=world, status="in_review", published_at=None, submitted_at=timezone.now(),
        title=draft.title + " (filed)", created_by=journalist,
    )  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "editor")
    for url in (change_url(live_server.url, draft), f"{live_server.url}/admin/articles/article/add/"):
        page.goto(url)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), url
        assert page.evaluate(TOO_WIDE) == [], url
        assert page.get_by_label("Body").bounding_box()["height"] >= 300
    page.goto(change_url(live_server.url, draft))
    title_box = page.get_by_label("Headline").bounding_box()
    assert title_box["x"] + title_box["width"] <= 390
    page.goto(f"{live_server.url}/admin/articles/storyinreview/")
    expect(page.get_by_role("link", name=draft.title + " (filed)")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.evaluate(TOO_WIDE) == []


def test_axe_finds_no_violations_on_the_add_and_change_forms(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    for url in (f"{live_server.url}/admin/articles/article/add/", change_url(live_server.url, draft)):
        for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
            page.set_viewport_size(viewport)
            page.goto(url)
            violations = Axe().run(page).response["violations"]
            assert not violations, f"{url} at {viewport['width']}px:\n{axe_report(violations)}"


def test_axe_finds_no_violations_in_the_desks_notices_and_link_dialog(live_server, page, journalist, editor, draft):
    from desk import autosaves, presence

    autosaves.write(journalist, {"body": "First paragraph.\n\nUnsaved."}, story=draft)
    presence.heartbeat(draft, editor)
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    expect(page.locator("#desk-offer")).to_be_visible()
    expect(page.locator("#desk-presence")).to_contain_text("Priya Raman is editing this story")
    page.get_by_text("What would change").click()
    page.get_by_label("Body").focus()
    page.keyboard.press("Control+k")
    expect(page.get_by_role("dialog", name="Insert a link")).to_be_visible()
    violations = Axe().run(page).response["violations"]
    assert not violations, axe_report(violations)


def test_the_body_and_its_preview_sit_side_by_side_on_a_wide_screen(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    body = page.get_by_label("Body").bounding_box()
    preview = page.locator("#desk-preview").bounding_box()
    assert body["x"] + body["width"] <= preview["x"]  # beside it, not under it
    assert body["width"] >= 300 and preview["width"] >= 300


def tiny_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 21), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_search_and_social_previews_follow_the_typing_with_the_servers_fallbacks(live_server, page, journalist, draft):
    log_in(page, live_server.url, "journalist")
    page.goto(change_url(live_server.url, draft))
    search, social = page.locator("#search-preview"), page.locator("#social-preview")
    search_title = search.locator(".search-preview__title")
    search_description = search.locator(".search-preview__description")
    expect(search_title).to_have_text("Rutte visits Kyiv")
    expect(search_description).to_have_text("What happened, in one sentence.")

    page.get_by_label("SEO title").fill("Rutte in Kyiv: what was agreed")
    expect(search_title).to_have_text("Rutte in Kyiv: what was agreed")
    expect(social.locator(".social-preview__title")).to_have_text("Rutte in Kyiv: what was agreed")
    # Cut where search engines cut, as the server's Truncator does: 59 characters and an ellipsis.
    page.get_by_label("SEO title").fill("x" * 70)
    expect(search_title).to_have_text("x" * 59 + "…")
    page.get_by_label("SEO title").fill("   ")  # spaces are no SEO title: the form strips them
    expect(search_title).to_have_text("Rutte visits Kyiv")
    page.get_by_label("Headline").fill("Rutte promises more air defence")
    expect(search_title).to_have_text("Rutte promises more air defence")

    promise = "What the secretary general promised, and when."
    page.get_by_label("Meta description").fill(promise)
    expect(search_description).to_have_text(promise)
    expect(social.locator(".social-preview__description")).to_have_text(promise)
    page.get_by_label("Meta description").fill("y" * 200)
    expect(search_description).to_have_text("y" * 159 + "…")
    page.get_by_label("Meta description").fill("")
    expect(search_description).to_have_text("What happened, in one sentence.")
    page.get_by_label("Standfirst").fill("")  # then the body, as readers' pages describe it
    expect(search_description).to_have_text("First paragraph.", timeout=2000)
    page.get_by_label("Body").fill("A new opening.")
    expect(search_description).to_have_text("A new opening.", timeout=2000)

    # The card's picture: the lead picture as saved (none here), unless a social image is chosen, with its alt text.
    expect(social.locator(".social-preview__no-image")).to_be_visible()
    card_picture = social.locator("img.social-preview__image")
    page.locator("input[type=file][name=social_image]").set_input_files(
        {"name": "kyiv.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_label("Social image alt").fill("Rutte and Zelensky in Kyiv")
    expect(card_picture).to_have_attribute("data-file", "kyiv.png")
    expect(card_picture).to_have_attribute("alt", "Rutte and Zelensky in Kyiv")
    expect(social.locator(".social-preview__no-image")).to_have_count(0)

    violations = Axe().run(page).response["violations"]
    assert not violations, axe_report(violations)
