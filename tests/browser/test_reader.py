"""A reader's visit in a real browser: front page, story, author page."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser


def test_reader_follows_the_sample_story_to_its_author(live_server, page):
    call_command("load_demo", "--no-accounts", verbosity=0)
    page.goto(live_server.url + "/")
    headline = "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
    page.get_by_role("link", name=headline).first.click()

    assert page.get_by_role("heading", level=1).inner_text() == headline
    subheadings = page.locator(".story__body h2").all_inner_texts()
    assert subheadings == ["What they talked about in Kyiv", "NATO membership", "Deep into the territory of Russia"]
    assert "Source: korrespondent" in page.locator(".attribution").inner_text()

    page.get_by_role("link", name="David Wyatt", exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "David Wyatt"
    assert "a professional writer and journalist for Buna Times" in page.content()


def test_skip_link_moves_focus_to_the_main_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_reader_searches_from_the_masthead_and_opens_a_result(live_server, page):
    call_command("load_demo", "--no-accounts", verbosity=0)
    page.goto(live_server.url + "/world/")
    page.locator(".masthead__search > summary").click()  # the search icon opens the field
    page.get_by_role("searchbox", name="Search Buna Times").fill("Rutte Kyiv")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Rutte+Kyiv")
    assert page.get_by_role("searchbox", name="Words to look for").input_value() == "Rutte Kyiv"
    # the sample story and the live coverage of the same visit
    assert "2 stories match “Rutte Kyiv”" in page.get_by_role("status").inner_text()

    headline = "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
    page.get_by_role("link", name=headline).click()
    assert page.get_by_role("heading", level=1).inner_text() == headline
