"""Who is notified of which workflow step, and what they may read of it."""

import pytest

from articles import workflow
from notifications.events import notify
from notifications.models import Delivery, Event, Notification, Preference
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(journalist, world):
    return ArticleFactory(
        draft=True, title="Bridge talks", section=world, authors=[journalist.author], created_by=journalist
    )


def test_submitting_notifies_the_editors_not_the_writer(draft, journalist, editor, other_journalist):
    workflow.submit(draft, journalist)
    assert [(n.recipient, n.event, n.actor) for n in Notification.objects.all()] == [
        (editor, Event.SUBMITTED, journalist)
    ]


def test_sending_back_tells_the_storys_journalists_the_note(draft, journalist, editor, other_journalist):
    workflow.submit(draft, journalist)
    workflow.send_back(draft, editor, note="Check the minister's quote.")
    sent_back = Notification.objects.get(event=Event.SENT_BACK)
    assert (sent_back.recipient, sent_back.text, sent_back.headline) == (
        journalist,
        "Check the minister's quote.",
        "Bridge talks",
    )
    assert not Notification.objects.filter(recipient=other_journalist).exists()


@pytest.mark.parametrize(("later", "event"), [(False, Event.PUBLISHED), (True, Event.SCHEDULED)])
def test_publishing_or_scheduling_tells_the_journalists(draft, journalist, editor, later, event):
    from datetime import timedelta

    from django.utils import timezone

    workflow.submit(draft, journalist)
    workflow.publish(draft, editor, at=timezone.now() + timedelta(days=1) if later else None)
    assert list(Notification.objects.filter(event=event).values_list("recipient", flat=True)) == [journalist.pk]


def test_a_correction_tells_the_journalists(journalist, editor, world):
    story = ArticleFactory(section=world, authors=[journalist.author])
    workflow.add_correction(story, editor, kind="correction", note="The bridge is 2 km long.")
    correction = Notification.objects.get(event=Event.CORRECTED)
    assert correction.recipient == journalist
    assert "2 km" in correction.text


def test_the_system_actor_is_recorded_as_nobody(draft, journalist):
    workflow.submit(draft, journalist)
    workflow.publish(draft, workflow.SYSTEM)
    assert Notification.objects.get(event=Event.PUBLISHED).actor is None


def test_someone_who_may_not_see_the_story_learns_only_its_headline(draft, other_journalist):
    (notification,) = notify([other_journalist], Event.MENTIONED, draft, text="The source is the mayor.")
    assert notification.headline == "Bridge talks"
    assert notification.text == ""


def test_delivery_follows_each_persons_choice_and_needs_an_address(draft, journalist, editor):
    Preference.objects.create(user=editor, event=Event.SUBMITTED, delivery=Delivery.DIGEST)
    journalist.email = ""
    journalist.save()
    notify([editor], Event.SUBMITTED, draft)
    notify([journalist], Event.SENT_BACK, draft)
    assert Notification.objects.get(recipient=editor).delivery == Delivery.DIGEST
    assert Notification.objects.get(recipient=journalist).delivery == Delivery.ADMIN
    assert Preference.objects.choices_of(journalist)[Event.SENT_BACK] == Delivery.IMMEDIATE
