"""Live coverage in two browsers (issue 19): an editor starts a live story and posts; a reader's open page
offers "1 new post" within the polling interval and reveals it, then follows an edit and a deletion in place;
the editor pins the post as a key event and closes the coverage; after a reload the reader sees the pinned
post and the closed notice."""

import pytest
from playwright.sync_api import expect

from live.models import LiveCoverage
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

POLL_SECONDS = 2


def test_an_editor_posts_and_an_open_readers_page_offers_it(live_server, browser, editor, world, settings):
    settings.LIVE_POLL_SECONDS = POLL_SECONDS
    base = live_server.url
    desk_context, reader_context = browser.new_context(), browser.new_context()
    desk, reader = desk_context.new_page(), reader_context.new_page()
    for page in (desk, reader):
        page.set_default_timeout(10_000)
    try:
        # The editor starts a live story, published at once.
        log_in(desk, base, "editor")
        desk.goto(f"{base}/admin/live/livecoverage/add/")
        desk.get_by_label("Headline").fill("Summit in Kyiv")
        desk.get_by_label("Section").select_option(label="World")
        desk.get_by_role("button", name="Start the live story").click()
        expect(desk.locator(".messagelist")).to_contain_text("Live story “Summit in Kyiv” started.")
        story_url = LiveCoverage.objects.get().article.get_absolute_url()

        # A reader opens the live page: nothing posted yet.
        reader.goto(f"{base}{story_url}")
        expect(reader.locator(".live-feed__empty")).to_be_visible()
        reveal = reader.get_by_role("button", name="1 new post")

        # The editor posts from the top of the page, without leaving it.
        desk.get_by_label("Body").fill("Leaders arrive at the palace.")
        desk.get_by_role("button", name="Post", exact=True).click()
        expect(desk.locator(".live-desk__result")).to_have_text("Posted.")
        expect(desk.locator("#live-desk-posts-list")).to_contain_text("Leaders arrive at the palace.")
        assert desk.url.endswith("/change/")

        # The reader's page offers it within the polling interval, and shows it when asked.
        expect(reveal).to_be_visible(timeout=POLL_SECONDS * 3 * 1000)
        expect(reader.locator(".live-posts")).to_have_count(0)  # nothing moved by itself
        reveal.click()
        expect(reader.locator(".live-posts")).to_contain_text("Leaders arrive at the palace.")
        expect(reveal).to_be_hidden()

        # An edit reaches the open page in place; a deleted post leaves it, both without a reload.
        desk.get_by_role("link", name="Edit", exact=True).click()
        desk.get_by_label("Body").fill("Leaders arrive at the palace at noon.")
        desk.get_by_role("button", name="Save the post").click()
        expect(desk.locator(".messagelist")).to_contain_text("Post saved.")
        expect(reader.locator(".live-posts")).to_contain_text("at noon", timeout=POLL_SECONDS * 3 * 1000)
        desk.get_by_label("Body").fill("An unconfirmed report.")
        desk.get_by_role("button", name="Post", exact=True).click()
        expect(reveal).to_be_visible(timeout=POLL_SECONDS * 3 * 1000)
        reveal.click()
        expect(reader.locator(".live-posts")).to_contain_text("An unconfirmed report.")
        desk.reload()
        desk.locator(".live-desk__post").first.get_by_role("button", name="Delete").click()
        expect(desk.locator(".messagelist")).to_contain_text("Post deleted.")
        expect(reader.locator(".live-posts")).not_to_contain_text("unconfirmed", timeout=POLL_SECONDS * 3 * 1000)

        # The editor pins the first post as a key event and closes the coverage.
        desk.reload()
        desk.get_by_role("button", name="Pin", exact=True).click()
        expect(desk.locator(".messagelist")).to_contain_text("Post pinned.")
        desk.get_by_role("button", name="Key event", exact=True).click()
        expect(desk.locator(".messagelist")).to_contain_text("Marked as a key event.")
        desk.get_by_role("button", name="Close the live coverage").click()
        expect(desk.locator(".messagelist")).to_contain_text("Live coverage closed")

        # After a reload the reader sees the pinned post, the key event and the closed notice.
        reader.reload()
        expect(reader.locator(".live-ended")).to_contain_text("This live coverage has ended")
        expect(reader.locator(".live-pinned")).to_contain_text("Leaders arrive at the palace at noon.")
        expect(reader.locator(".live-key-events")).to_contain_text("Leaders arrive at the palace at noon.")
    finally:
        desk_context.close()
        reader_context.close()


def test_an_editor_approves_a_waiting_post_from_the_review_queue_and_a_reader_follows_its_card(
    live_server, browser, editor, journalist, world
):
    from live import workflow
    from tests.factories import ArticleFactory

    article = ArticleFactory(title="Summit in Kyiv", body="", section=world, authors=[journalist.author])
    coverage = LiveCoverage.objects.create(article=article)
    waiting = workflow.add_post(coverage, journalist, body="Sirens over the station.", title="Sirens in Kyiv")
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, base, "editor")
        page.goto(f"{base}/admin/articles/storyinreview/")
        row = page.locator("tr.queue-waiting")
        expect(row).to_contain_text("Live post Sirens in Kyiv on Summit in Kyiv")
        row.get_by_role("button", name="Approve").click()
        expect(page.locator(".messagelist")).to_contain_text("Post approved")
        assert page.url.endswith("/admin/articles/storyinreview/")
        expect(page.locator("tr.queue-waiting")).to_have_count(0)

        # The post's own page (its card), then the whole coverage at the post.
        page.goto(f"{base}/live/posts/{waiting.pk}/")
        expect(page.locator("h3")).to_have_text("Sirens in Kyiv")
        page.get_by_role("link", name="See the whole live coverage").click()
        expect(page.locator(f"#post-{waiting.pk}")).to_be_visible()
        assert page.url.endswith(f"{article.get_absolute_url()}#post-{waiting.pk}")
    finally:
        context.close()
