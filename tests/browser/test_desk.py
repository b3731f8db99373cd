"""The writing desk in a real browser: a refused save keeps the text and explains; restoring a published
story's revision asks first and goes through an editor's publish."""

import re

import pytest
from playwright.sync_api import expect

from articles import workflow
from tests.browser.test_workflow import log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser


def test_a_save_from_a_stale_tab_keeps_the_text_and_explains(live_server, page, journalist, draft):
    base = live_server.url
    log_in(page, base, "journalist")
    page.goto(f"{base}/admin/articles/article/{draft.pk}/change/")
    typed = "First version.\n\nA paragraph written on deadline that must not be lost."
    page.get_by_label("Body").fill(typed)

    # Meanwhile, in another tab, the story goes to the desk.
    workflow.submit(draft, journalist)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"You submitted this story for review at \d\d:\d\d; an editor must send it back")
    )
    body = page.get_by_label("Body")
    expect(body).to_have_value(typed)
    expect(body).not_to_be_editable()
    copy = page.locator(f'button[data-copy="{body.get_attribute("id")}"]')
    expect(copy).to_be_visible()
    copy.click()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == typed
    expect(page.get_by_role("link", name="Open the story as it is now")).to_be_visible()
