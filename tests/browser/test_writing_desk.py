"""The writing desk in a real browser: live preview, counts, autosave, the unsaved-changes warning,
presence, the phone layout and accessibility of the story form."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

PASSWORD = "correct horse battery staple"


def log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/admin/")


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
    expect(preview.locator(".story__body h2")).to_have_text("What comes next", timeout=2000)
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
