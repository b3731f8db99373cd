"""Notifications in the admin: the bell on every page (one query), the list, opening, marking read, preferences."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.events import notify
from notifications.models import Delivery, Event, Notification, Preference
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(journalist, world):
    return ArticleFactory(
        draft=True, title="Bridge talks", section=world, authors=[journalist.author], created_by=journalist
    )


@pytest.mark.parametrize(
    "page",
    [
        lambda story: reverse("admin:index"),
        lambda story: reverse("admin:articles_article_changelist"),
        lambda story: reverse("admin:articles_article_change", args=[story.pk]),
        lambda story: reverse("admin:notifications_preferences"),
    ],
)
def test_the_bell_shows_the_unread_count_on_every_admin_page_for_one_query(client, editor, story, page):
    notify([editor], Event.SUBMITTED, story)
    notify([editor], Event.SUBMITTED, story)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page(story))
    assert response.status_code == 200
    assert "(2 unread)" in response.text
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1


def test_the_list_shows_only_ones_own_and_opening_marks_read(client, editor, journalist, story):
    (mine,) = notify([editor], Event.SUBMITTED, story, actor=journalist)
    notify([journalist], Event.SENT_BACK, story, text="Not for the editor's list")
    client.force_login(editor)
    page = client.get(reverse("admin:notifications_notification_changelist"))
    assert "journalist submitted “Bridge talks”" in page.text
    assert "Not for the editor" not in page.text
    response = client.get(reverse("admin:notifications_notification_open", args=[mine.pk]))
    assert response.url == reverse("admin:articles_article_change", args=[story.pk])
    mine.refresh_from_db()
    assert mine.is_read
    theirs = Notification.objects.get(recipient=journalist)
    assert client.get(reverse("admin:notifications_notification_open", args=[theirs.pk])).status_code == 404


def test_mark_all_as_read(client, editor, story):
    notify([editor], Event.SUBMITTED, story)
    notify([editor], Event.SUBMITTED, story)
    client.force_login(editor)
    client.post(reverse("admin:notifications_read_all"))
    assert not Notification.objects.unread().exists()
    assert "unread)" not in client.get(reverse("admin:index")).text


def test_preferences_are_saved_per_event(client, journalist):
    client.force_login(journalist)
    page = client.get(reverse("admin:notifications_preferences"))
    assert "My story was sent back" in page.text
    choices = {event: Delivery.ADMIN for event in Event.values} | {Event.SENT_BACK: Delivery.DIGEST}
    client.post(reverse("admin:notifications_preferences"), choices)
    assert Preference.objects.delivery_for(journalist, Event.SENT_BACK) == Delivery.DIGEST
    assert Preference.objects.delivery_for(journalist, Event.SUBMITTED) == Delivery.ADMIN


def test_the_list_costs_the_same_queries_for_more_notifications(
    client, editor, journalist, story, django_assert_num_queries
):
    notify([editor], Event.SUBMITTED, story, actor=journalist)
    client.force_login(editor)
    url = reverse("admin:notifications_notification_changelist")
    client.get(url)
    with django_assert_num_queries(8) as few:
        client.get(url)
    for _ in range(10):
        notify([editor], Event.SUBMITTED, story, actor=journalist)
    with django_assert_num_queries(len(few.captured_queries)):
        assert "(11 unread)" in client.get(url).text
