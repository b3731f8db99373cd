"""Assigning planned stories, and the deadline reminders: each tells the people concerned, once."""

from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone

from notifications.events import notify
from notifications.models import Event

from .models import Plan

REMIND_BEFORE = timedelta(hours=1)


def plan_link(plan: Plan) -> str:
    return reverse("admin:coordination_plan_change", args=[plan.pk])


def _notify_about(plan: Plan, recipients, event: str, *, actor=None) -> None:
    notify(recipients, event, plan.story, actor=actor, headline=plan.slug_line, link=plan_link(plan), text=plan.notes)


def assigned(plan: Plan, new_assignees, *, by: AbstractBaseUser) -> None:
    """Tell the people just given ``plan`` (not those who had it already, nor whoever assigned it)."""
    _notify_about(plan, new_assignees, Event.ASSIGNED, actor=by)


def _claim(plan_pk: int, field: str, now: datetime) -> bool:
    """Mark one reminder as sent, if no one did; only the run that marks it sends it."""
    return bool(Plan.objects.filter(pk=plan_pk, **{f"{field}__isnull": True}).update(**{field: now}))


def send_reminders(now: datetime | None = None) -> int:
    """Remind assignees and the assigning editor an hour before a deadline and once it has passed.

    Only plans whose story is not yet filed; each reminder once, however often this runs or
    however many run at once. Returns how many reminders were sent.
    """
    now = now or timezone.now()
    unfinished = Plan.objects.unfinished().select_related("story", "assigned_by").prefetch_related("assignees")
    due = [
        ("reminded_overdue_at", Event.OVERDUE, unfinished.filter(deadline__lte=now, reminded_overdue_at__isnull=True)),
        (
            "reminded_soon_at",
            Event.DEADLINE_SOON,
            # Not for a plan made less than an hour before its deadline that is already past it.
            unfinished.filter(deadline__gt=now, deadline__lte=now + REMIND_BEFORE, reminded_soon_at__isnull=True),
        ),
    ]
    sent = 0
    for field, event, plans in due:
        for plan in plans:
            if _claim(plan.pk, field, now):
                recipients = [*plan.assignees.all(), *([plan.assigned_by] if plan.assigned_by else [])]
                _notify_about(plan, recipients, event)
                sent += 1
    return sent
