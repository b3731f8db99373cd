"""A planned story's day in a real browser: planned and assigned, written, submitted, discussed, published.

E-mails go to a real SMTP server on loopback (aiosmtpd), as in production they would go to the newsroom's.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from coordination.models import Plan
from tests.helpers.browser import log_in
from tests.helpers.smtp import smtp_server, smtp_servers, text_and_html  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

PARAGRAPH = "NATO's new Secretary General said the alliance would keep supporting Kyiv."


def test_plan_assign_write_submit_discuss_publish(live_server, page, smtp_server, journalist, editor, world):  # noqa: F811
    base = live_server.url
    deadline = timezone.localtime() + timedelta(hours=3)
    if deadline.date() != timezone.localdate():
        deadline = timezone.localtime().replace(hour=23, minute=59)

    # The editor plans the story for today and assigns it to the journalist.
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/coordination/plan/add/")
    page.get_by_label("Working headline").fill("Rutte in Kyiv")
    page.get_by_label("Section").select_option(label="World")
    page.locator("#id_assignees_from").select_option(label="journalist")
    page.locator("#id_assignees_add").click()
    page.locator("input[name=deadline_0]").fill(f"{deadline:%Y-%m-%d}")
    page.locator("input[name=deadline_1]").fill(f"{deadline:%H:%M:%S}")
    page.get_by_label("Expected length (words)").fill("600")
    page.get_by_label("Notes").fill("Call the press office.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The journalist is told: in the admin and by e-mail.
    (assigned,) = smtp_server.to(journalist.email)
    assert "editor assigned you “Rutte in Kyiv”" in assigned["Subject"]
    assert "Call the press office." in text_and_html(assigned)[0]
    log_in(page, base, "journalist")
    page.get_by_role("link", name="Notifications (1 unread)").click()
    page.get_by_role("link", name="editor assigned you “Rutte in Kyiv”").click()  # opens the plan, marks it read
    expect(page.locator("#content")).to_contain_text("Rutte in Kyiv")
    page.goto(f"{base}/admin/coordination/plan/")
    expect(page.locator("#result_list")).to_contain_text("Rutte in Kyiv")
    expect(page.locator(".notification-bell")).to_have_text("Notifications")  # nothing unread now

    # The journalist writes it and submits it.
    page.goto(f"{base}/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Rutte in Kyiv: Ukraine closer to NATO than ever")
    page.get_by_label("Standfirst").fill("The new Secretary General's first visit.")
    page.get_by_label("Body").fill(f"{PARAGRAPH}\n\nHe met President Zelensky.")
    page.get_by_role("button", name="Save and submit for review").click()  # one step
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review.")
    story = Article.objects.get()

    # The editor is told, in the admin and by e-mail, and comments on a paragraph mentioning the journalist.
    (submitted,) = smtp_server.to(editor.email)
    assert "journalist submitted" in submitted["Subject"]
    log_in(page, base, "editor")
    expect(page.get_by_role("link", name="Notifications (1 unread)")).to_be_visible()
    # The desk links the plan to the story it became.
    page.goto(f"{base}/admin/coordination/plan/{Plan.objects.get().pk}/change/")
    page.locator("#id_story + .select2 .select2-selection").click()  # found by its headline
    page.locator(".select2-search__field").fill(story.title.split()[0])
    page.locator(".select2-results__option", has_text=story.title).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Plan.objects.get().story == story
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    page.get_by_role("link", name="Comments on this story").click()
    page.get_by_label("Comment").fill("@journalist who said this, and where?")
    page.get_by_label("About this passage (optional)").fill(PARAGRAPH)
    page.get_by_role("button", name="Comment").click()
    expect(page.locator(".comment-thread")).to_contain_text(PARAGRAPH)

    # The journalist, mentioned, replies and resolves the thread.
    mentioned = smtp_server.to(journalist.email)[-1]
    assert "editor mentioned you on" in mentioned["Subject"]
    log_in(page, base, "journalist")
    page.get_by_role("link", name="Notifications (1 unread)").click()
    page.get_by_role("link", name="editor mentioned you on").click()
    page.get_by_role("link", name="Comments on this story").click()
    page.get_by_label("Reply").fill("At the press conference in Kyiv.")
    page.get_by_role("button", name="Reply").click()
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".comment-thread")).to_contain_text("resolved")

    # The editor publishes; the story leaves the budget's "in progress" and "in review" groups.
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/coordination/plan/budget/")
    expect(page.locator("tr[data-group=in_review]")).to_contain_text("Rutte in Kyiv")
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    page.get_by_role("button", name="Save and publish now").click()  # one step
    expect(page.locator(".messagelist")).to_contain_text("Published: readers can see it now.")
    page.goto(f"{base}/admin/coordination/plan/budget/")
    expect(page.locator("tr[data-group=published]")).to_contain_text("Rutte in Kyiv")
    expect(page.locator("tr[data-group=in_progress]")).to_have_count(0)
