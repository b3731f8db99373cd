"""The writing desk in a real browser: a refused save keeps the text and explains; restoring a published
story's revision asks first and goes through an editor's publish."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles import revisions, workflow
from tests.helpers.browser import axe_report, log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

# The admin is Django's: its own minor findings are not the desk's to fix; serious and critical ones are.
BLOCKING_IMPACTS = {"serious", "critical"}


def test_a_save_from_a_stale_tab_keeps_the_text_and_explains(live_server, page, journalist, draft):
    base = live_server.url
    log_in(page, base, "journalist")
    page.goto(f"{base}/admin/articles/article/{draft.pk}/change/")
    typed = "First version.\n\nA paragraph written on deadline that must not be lost."
    page.get_by_label("Body").fill(typed)

    # Meanwhile, in another tab, she submits the story.
    other_tab = page.context.new_page()
    other_tab.goto(f"{base}/admin/articles/article/{draft.pk}/change/")
    other_tab.get_by_role("button", name="Save and submit for review").click()
    expect(other_tab.locator(".messagelist")).to_contain_text("Submitted for review.")
    other_tab.close()

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


def test_restoring_a_published_storys_revision_asks_and_goes_through_an_editors_publish(
    live_server, page, editor, story
):
    revisions.record_revision(story, editor)
    story.title = "A headline that went wrong"
    story.save()
    revisions.record_revision(story, editor)
    base = live_server.url
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/articles/article/{story.pk}/revisions/")
    page.get_by_role("link", name="Restore revision 1…").click()

    # Asked first, with what will change; readers see nothing yet.
    expect(page.locator("#restore-diff")).to_contain_text("Headline")
    expect(page.locator("#restore-diff del").last).to_have_text("that went wrong")
    page.get_by_role("button", name="Load revision 1 into the form").click()
    expect(page.get_by_role("status")).to_contain_text("Revision 1 is loaded below and not saved")
    expect(page.get_by_label("Headline")).to_have_value("Rutte visits Kyiv")
    reader = page.context.browser.new_page()
    reader.goto(base + story.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("A headline that went wrong")

    # The editor publishes it by saving.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    reader.goto(base + story.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("Rutte visits Kyiv")
    reader.close()


def test_the_desks_new_parts_have_no_serious_accessibility_violations(live_server, page, journalist, editor, draft):
    def blocking(context=None) -> list[dict]:
        violations = Axe().run(page, context=context).response["violations"]
        return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]

    base = live_server.url
    revisions.record_revision(draft, journalist)
    draft.body = "A rewrite."
    draft.save()
    revisions.record_revision(draft, journalist)
    workflow.submit(draft, journalist)

    # A refusal: a journalist's save of a story that went to the desk meanwhile.
    log_in(page, base, "journalist")
    page.goto(f"{base}/admin/articles/article/{draft.pk}/change/")
    page.goto(f"{base}/admin/articles/article/{draft.pk}/workflow/submit/")
    expect(page.get_by_role("alert")).to_be_visible()
    assert not (found := blocking()), axe_report(found)

    # The workflow panel with its note dialog open, and the search and social previews.
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/articles/article/{draft.pk}/change/")
    page.get_by_role("link", name="Save and send back…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert not (found := blocking({"include": [[".workflow-panel"], ["#search-preview"], ["#social-preview"]]})), (
        axe_report(found)
    )

    # Restoring asks first.
    page.goto(f"{base}/admin/articles/article/{draft.pk}/revisions/1/restore/")
    assert not (found := blocking()), axe_report(found)


def test_a_headline_whose_address_is_taken_gets_the_next_free_one_not_an_error(live_server, page, journalist, draft):
    from articles.models import Article

    assert draft.slug == "rutte-in-kyiv"
    log_in(page, live_server.url, "journalist")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Rutte in Kyiv")
    page.get_by_label("Body").fill("A second story under the same headline.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.get_by_label("Slug")).to_have_value("rutte-in-kyiv-2")
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["rutte-in-kyiv", "rutte-in-kyiv-2"]
