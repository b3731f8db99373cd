"""Plans: who may plan and see them, assignment notifications, the budget page and its CSV, deadline reminders."""

import csv
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from coordination.assignments import send_reminders
from coordination.budget import budget_rows
from coordination.models import Plan
from notifications.models import Event, Notification
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(time_machine):
    moment = timezone.make_aware(timezone.datetime(2026, 3, 10, 9, 0))
    time_machine.move_to(moment, tick=False)
    return moment


def make_plan(section, *, assignees=(), deadline, story=None, **fields):
    plan = Plan.objects.create(
        slug_line=fields.pop("slug_line", "Bridge talks"), section=section, deadline=deadline, story=story, **fields
    )
    plan.assignees.set(assignees)
    return plan


def test_an_editor_plans_and_assigns_in_the_admin_and_the_journalist_is_told(client, editor, journalist, world, now):
    client.force_login(editor)
    response = client.post(
        reverse("admin:coordination_plan_add"),
        {
            "slug_line": "Bridge talks", "section": world.pk, "assignees": [journalist.pk],
            "deadline_0": "2026-03-10", "deadline_1": "15:00", "publish_at_0": "2026-03-10", "publish_at_1": "18:00",
            "expected_words": "600", "priority": "3", "notes": "Call the mayor.",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    plan = Plan.objects.get()
    assert plan.assigned_by == editor
    (told,) = Notification.objects.filter(event=Event.ASSIGNED)
    assert (told.recipient, told.headline, told.text) == (journalist, "Bridge talks", "Call the mayor.")
    assert told.link == reverse("admin:coordination_plan_change", args=[plan.pk])
    # Saving again without new assignees tells no one again.
    client.post(
        reverse("admin:coordination_plan_change", args=[plan.pk]),
        {
            "slug_line": "Bridge talks, day 2", "section": world.pk, "assignees": [journalist.pk],
            "deadline_0": "2026-03-10", "deadline_1": "15:00", "priority": "3",
        },
    )  # fmt: skip
    assert Notification.objects.filter(event=Event.ASSIGNED).count() == 1


def test_journalists_see_only_their_assignments_and_cannot_plan(client, journalist, other_journalist, world, now):
    mine = make_plan(world, assignees=[journalist], deadline=now + timedelta(hours=3), slug_line="Mine")
    make_plan(world, assignees=[other_journalist], deadline=now + timedelta(hours=3), slug_line="Theirs")
    client.force_login(journalist)
    listing = client.get(reverse("admin:coordination_plan_changelist"))
    assert "Mine" in listing.text and "Theirs" not in listing.text
    assert client.get(reverse("admin:coordination_plan_add")).status_code == 403
    assert client.get(reverse("admin:coordination_plan_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:coordination_budget")).status_code == 403


def test_the_budget_groups_by_section_marks_overdue_and_follows_the_workflow(journalist, editor, world, now):
    sport = SectionFactory(name="Sport", slug="sport")
    story = ArticleFactory(
        draft=True, section=world, authors=[journalist.author], created_by=journalist, body="One two three"
    )
    late = make_plan(
        world, assignees=[journalist], deadline=now - timedelta(hours=1), story=story, slug_line="Late one"
    )
    make_plan(sport, deadline=now + timedelta(hours=5), slug_line="Match report")
    make_plan(world, deadline=now + timedelta(days=2), slug_line="Not today")
    rows = budget_rows(now.date())
    assert [(row.section.name, row.slug_line, row.group, row.overdue, row.words) for row in rows] == [
        ("Sport", "Match report", "planned", False, None),
        ("World", "Late one", "in_progress", True, 3),
    ]
    workflow.submit(story, journalist)
    workflow.publish(story, editor, at=now + timedelta(hours=6))
    assert [row.group for row in budget_rows(now.date(), group="in_progress")] == []
    assert [row.slug_line for row in budget_rows(now.date(), group="scheduled")] == ["Late one"]
    late.refresh_from_db()
    assert not late.is_overdue(now)
    assert [row.slug_line for row in budget_rows(now.date(), 3, assignee=journalist.pk)] == ["Late one"]


def test_the_budget_page_shows_overdue_in_words_for_a_fixed_number_of_queries(
    client, editor, journalist, world, now, django_assert_num_queries
):
    make_plan(world, assignees=[journalist], deadline=now - timedelta(hours=1), slug_line="Late one")
    client.force_login(editor)
    url = reverse("admin:coordination_budget")
    client.get(url)
    with django_assert_num_queries(10) as few:  # session, user, bell, filters, plans, assignees, scheduled…
        response = client.get(url)
    assert "Overdue" in response.text and "Late one" in response.text
    for n in range(5):
        story = ArticleFactory(draft=True, section=SectionFactory(), authors=[journalist.author])
        make_plan(story.section, assignees=[journalist, editor], deadline=now + timedelta(hours=n), story=story)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_budget_as_csv(client, editor, journalist, world, now):
    make_plan(
        world, assignees=[journalist], deadline=now + timedelta(hours=2), slug_line="=HYPERLINK(1)", expected_words=600
    )
    client.force_login(editor)
    response = client.get(reverse("admin:coordination_budget"), {"format": "csv", "day": "2026-03-10"})
    assert response["Content-Disposition"] == 'attachment; filename="budget-2026-03-10.csv"'
    header, row = list(csv.reader(StringIO(response.content.decode())))
    assert header[:4] == ["Section", "Slug line", "Assignees", "State"]
    assert row[:4] == ["World", "'=HYPERLINK(1)", "journalist", "Planned"]
    assert row[8] == "600"


def test_deadline_reminders_go_once_to_assignees_and_the_assigning_editor(journalist, editor, world, now, time_machine):
    plan = make_plan(world, assignees=[journalist], deadline=now + timedelta(minutes=50), assigned_by=editor)
    make_plan(world, assignees=[journalist], deadline=now + timedelta(hours=3), slug_line="Later")
    assert send_reminders() == 1
    assert send_reminders() == 0  # each reminder once
    soon = Notification.objects.filter(event=Event.DEADLINE_SOON)
    assert {n.recipient for n in soon} == {journalist, editor}
    time_machine.move_to(now + timedelta(hours=1))
    call_command("send_reminders")
    call_command("send_reminders")
    assert Notification.objects.filter(event=Event.OVERDUE).count() == 2
    plan.refresh_from_db()
    assert plan.reminded_soon_at and plan.reminded_overdue_at


def test_no_reminder_for_a_filed_story(journalist, world, now):
    story = ArticleFactory(section=world, authors=[journalist.author])  # published
    make_plan(world, assignees=[journalist], deadline=now - timedelta(minutes=5), story=story)
    assert send_reminders() == 0


def test_the_plan_list_costs_the_same_queries_for_more_plans(
    client, editor, journalist, world, now, django_assert_num_queries
):
    make_plan(world, assignees=[journalist], deadline=now + timedelta(hours=1))
    client.force_login(editor)
    url = reverse("admin:coordination_plan_changelist")
    client.get(url)
    with django_assert_num_queries(12) as few:
        client.get(url)
    for n in range(6):
        story = ArticleFactory(draft=True, section=world, authors=[journalist.author])
        make_plan(
            world, assignees=[journalist, editor], deadline=now + timedelta(hours=n), story=story, slug_line=f"P{n}"
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_plan_finds_its_story_by_headline(client, editor, world, now):
    from tests.factories import ArticleFactory

    ArticleFactory(title="Bridge talks collapse", section=world)
    client.force_login(editor)
    form = client.get(reverse("admin:coordination_plan_add")).text
    assert 'data-model-name="article"' in form or "admin-autocomplete" in form
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "coordination", "model_name": "plan", "field_name": "story", "term": "bridge"},
    ).json()
    assert [result["text"] for result in found["results"]] == ["Bridge talks collapse"]
