"""An editor taking a story over in the writing desk tells its journalists and whoever had it open."""

import pytest

from desk import presence
from notifications.models import Event, Notification
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_taking_over_tells_the_writer_and_the_others_editing(journalist, other_journalist, editor, world):
    story = ArticleFactory(
        draft=True, title="Bridge talks", section=world, authors=[journalist.author], created_by=journalist
    )
    presence.heartbeat(story, journalist)
    presence.take_over(story, editor)
    (told,) = Notification.objects.filter(event=Event.TAKEN_OVER)
    assert (told.recipient, told.actor, told.headline) == (journalist, editor, "Bridge talks")
    assert told.summary.endswith("took over “Bridge talks”")
    assert not Notification.objects.filter(recipient__in=[editor, other_journalist]).exists()
