import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from coordination.budget import budget_rows
from coordination.models import Plan
from notifications.models import Event, Notification

pytestmark = pytest.mark.django_db


def test_the_demo_desk_fills_todays_budget_once():
    call_command("load_demo", "--accounts", verbosity=0)
    call_command("load_demo_desk", verbosity=0)
    call_command("load_demo_desk", verbosity=0)  # only what is missing
    users = get_user_model().objects.filter(username__in=["editor", "journalist"])
    assert sorted(user.email for user in users) == ["editor@buna-times.example", "journalist@buna-times.example"]
    assert Plan.objects.count() == 4
    rows = budget_rows(timezone.localdate())
    assert len(rows) == 4 and all(row.assignees for row in rows)
    assert Notification.objects.filter(recipient__username="journalist", event=Event.ASSIGNED).count() == 4
