"""The newsroom's day in a real browser: a journalist files the sample story, an editor sends it back,
the journalist revises, the editor publishes and corrects it, and a reader sees each step."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.demo import SAMPLE_STORY
from articles.ingest.plaintext import parse_plain_text
from tests.factories import SourceFactory
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser


def open_story_in_admin(page, base_url: str, headline: str) -> None:
    page.goto(f"{base_url}/admin/articles/article/")
    page.get_by_role("link", name=headline).click()


def test_journalist_files_editor_sends_back_then_publishes_and_corrects(live_server, page, journalist, editor, world):
    call_command("load_demo", "--no-accounts", verbosity=0)
    SourceFactory(name="Wire copy")
    sample = parse_plain_text(SAMPLE_STORY.read_text(encoding="utf-8"))
    headline = "Rutte in Kyiv: Ukraine closer to NATO than ever"
    base = live_server.url

    # The journalist writes the sample story and submits it.
    log_in(page, base, "journalist")
    page.goto(f"{base}/admin/articles/article/add/")
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Standfirst").fill(sample.standfirst)
    page.get_by_label("Body").fill(sample.body)
    page.get_by_label("Tags").fill("NATO, Ukraine")
    # Saved and submitted in one step: no confirmation page.
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Saved. Submitted for review.")

    # The editor finds it in the review queue and sends it back with a note, asked for on the same page.
    log_in(page, base, "editor")
    page.get_by_role("link", name="1 story waits for review").click()
    page.get_by_role("link", name=headline).click()
    page.get_by_role("link", name="Save and send back…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Save and send back").click()  # no note yet: asked for, nothing sent
    expect(dialog).to_be_visible()
    dialog.get_by_label("What needs to change?").fill("Please add a subheading before Zelensky's reply.")
    dialog.get_by_role("button", name="Save and send back").click()
    expect(page.locator(".messagelist")).to_contain_text("Sent back to the writer")

    # The journalist sees the note, revises and resubmits.
    log_in(page, base, "journalist")
    expect(page.locator(".newsroom-desk")).to_contain_text("Sent back")
    open_story_in_admin(page, base, headline)
    expect(page.locator(".workflow-note")).to_contain_text("Please add a subheading before Zelensky")
    body = page.get_by_label("Body")
    body.fill(body.input_value() + "\n\n## What comes next\n\nThe allies meet again in December.")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review.")

    # The editor publishes it, in one step.
    log_in(page, base, "editor")
    open_story_in_admin(page, base, headline)
    page.get_by_role("button", name="Save and publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("Published: readers can see it now.")

    # A reader finds it on the front page and reads it.
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.get_by_role("link", name=headline).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(headline)
    expect(page.locator(".story__body h2").last).to_have_text("What comes next")
    story_url = page.url

    # The editor adds a correction; the reader sees it.
    log_in(page, base, "editor")
    open_story_in_admin(page, base, headline)
    page.get_by_role("link", name="Add a correction").click()
    page.get_by_label("Kind").select_option("correction")
    page.get_by_label("Note").fill("An earlier version gave the wrong date for the Ramstein meeting.")
    page.get_by_role("button", name="Add a correction").click()
    expect(page.locator(".messagelist")).to_contain_text("Correction added")
    page.context.clear_cookies()
    page.goto(story_url)
    expect(page.locator(".corrections")).to_contain_text(
        "An earlier version gave the wrong date for the Ramstein meeting."
    )
    expect(page.locator(".story__header .meta")).to_contain_text("Updated")
    page.goto(f"{base}/corrections/")
    expect(page.get_by_role("link", name=headline)).to_be_visible()
