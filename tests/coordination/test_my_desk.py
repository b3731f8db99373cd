"""The admin index as a desk: a journalist's assignments, sent-back stories and mentions; an editor's day."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from coordination.comments import add_comment
from coordination.models import Plan
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def plan(section, assignee, *, hours: float, slug_line: str) -> Plan:
    made = Plan.objects.create(slug_line=slug_line, section=section, deadline=timezone.now() + timedelta(hours=hours))
    made.assignees.set([assignee])
    return made


def earlier_today() -> float:
    """Hours from now to a moment already past but still today, in the newsroom's time zone (an hour ago is
    yesterday just after midnight)."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return -(now - midnight).total_seconds() / 2 / 3600


def test_a_journalists_desk(client, journalist, other_journalist, editor, world):
    plan(world, journalist, hours=-1, slug_line="Late piece")
    plan(world, journalist, hours=2, slug_line="Afternoon piece")
    plan(world, other_journalist, hours=2, slug_line="Someone else's")
    story = ArticleFactory(
        draft=True, title="Bridge talks", section=world, authors=[journalist.author], created_by=journalist
    )
    workflow.submit(story, journalist)
    workflow.send_back(story, editor, note="Shorter")
    add_comment(story, editor, body="@journalist see the second paragraph")
    client.force_login(journalist)
    desk = client.get(reverse("admin:index")).text
    assert "Late piece" in desk and "overdue" in desk and "Afternoon piece" in desk
    assert "Someone else" not in desk
    assert "Sent back to me" in desk and "Bridge talks" in desk
    assert "editor mentioned you on “Bridge talks”" in desk


def test_an_editors_day_for_a_fixed_number_of_queries(client, editor, journalist, world, django_assert_num_queries):
    plan(world, journalist, hours=earlier_today(), slug_line="Late piece")
    client.force_login(editor)
    client.get(reverse("admin:index"))
    with django_assert_num_queries(10) as counted:  # session, user, perms, review queue, live posts, desk (2), bell…
        page = client.get(reverse("admin:index")).text
    assert "Today's budget: 1 planned story" in page and "Late piece" in page
    for n in range(5):
        plan(world, journalist, hours=-2 - n, slug_line=f"Late {n}")
    with django_assert_num_queries(len(counted.captured_queries)):
        client.get(reverse("admin:index"))
