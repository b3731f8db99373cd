"""Today's desk for the demo newsroom: e-mail addresses for the demo logins and a few planned stories.

Run after ``load_demo`` (``make run`` does): it needs the demo's sections and accounts, and like it
only creates what is missing, so it is safe to run again.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.demo import DEMO_ACCOUNTS
from articles.models import Section

from .assignments import assigned
from .models import Plan

# (slug line, section, hours from now to the deadline, hours from the deadline to publication, words, priority, notes)
TODAYS_PLANS = [
    ("Council votes on the bridge budget", "politics", 2, 2, 700, Plan.Priority.HIGH, "Vote expected after 14:00."),
    ("Ramstein meeting: what the allies promised", "europe", 4, 1, 900, Plan.Priority.NORMAL, "Ask the press office."),
    ("Heatwave: hospitals prepare", "science", -1, 3, 500, Plan.Priority.URGENT, "Figures from the health ministry."),
    ("Cup final preview", "sport", 6, 2, 600, Plan.Priority.LOW, ""),
]


def _today_at(moment: datetime) -> datetime:
    """``moment``, kept within today (the budget's default day), so the demo fills it at any hour."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return min(max(moment, today + timedelta(minutes=1)), today + timedelta(hours=23, minutes=59))


@transaction.atomic
def load_demo_desk() -> list[str]:
    """Give the demo accounts addresses and plan today's stories; what was created, for the report."""
    created = []
    users = get_user_model().objects.filter(username__in=[account.username for account in DEMO_ACCOUNTS])
    accounts = {user.username: user for user in users}
    for user in accounts.values():
        if not user.email:
            user.email = f"{user.username}@buna-times.example"
            user.save(update_fields=["email"])
            created.append(f"e-mail address for {user.username}")
    editor, journalist = accounts.get("editor"), accounts.get("journalist")
    if editor is None or journalist is None or Plan.objects.filter(slug_line=TODAYS_PLANS[0][0]).exists():
        return created
    now = timezone.now()
    sections = {section.slug: section for section in Section.objects.all()}
    for slug_line, section, due_in, publish_after, words, priority, notes in TODAYS_PLANS:
        deadline = _today_at(now + timedelta(hours=due_in))
        plan = Plan.objects.create(
            slug_line=slug_line,
            section=sections[section],
            deadline=deadline,
            publish_at=_today_at(deadline + timedelta(hours=publish_after)),
            expected_words=words,
            priority=priority,
            notes=notes,
            assigned_by=editor,
        )
        plan.assignees.set([journalist])
        assigned(plan, [journalist], by=editor)
        created.append(f"plan “{slug_line}”")
    return created
