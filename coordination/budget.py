"""The story budget: what is planned, in progress, in review and scheduled over a few days, by section.

Rows come from plans (due or planned to appear in the range) and from stories scheduled in the range
without a plan; a fixed number of queries whatever their number.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import StringIO

from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section

from .models import Plan

# The budget's groups, in a day's order; a row's group is where its story is.
GROUPS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "in_review": "In review",
    "scheduled": "Scheduled",
    "published": "Published",
    "unpublished": "Unpublished",
}


def group_of(story: Article | None) -> str:
    if story is None:
        return "planned"
    if story.status in (Article.Status.DRAFT, Article.Status.SENT_BACK):
        return "in_progress"
    if story.status == Article.Status.IN_REVIEW:
        return "in_review"
    if story.status == Article.Status.PUBLISHED:
        return "published" if story.is_published else "scheduled"
    return "unpublished"


@dataclass(frozen=True)
class Row:
    slug_line: str
    section: Section
    assignees: list[str]
    assignee_ids: set[int]
    group: str
    state: str
    deadline: datetime | None
    publish_at: datetime | None
    overdue: bool
    words: int | None
    expected_words: int | None
    priority: str
    plan_url: str | None
    story_url: str | None

    @property
    def group_label(self) -> str:
        return GROUPS[self.group]


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _plan_row(plan: Plan, now: datetime) -> Row:
    story = plan.story
    assignees = list(plan.assignees.all())
    return Row(
        slug_line=plan.slug_line,
        section=plan.section,
        assignees=[_name(user) for user in assignees],
        assignee_ids={user.pk for user in assignees},
        group=group_of(story),
        state=plan.state,
        deadline=plan.deadline,
        publish_at=story.published_at if story and story.published_at else plan.publish_at,
        overdue=plan.is_overdue(now),
        words=plan.word_count,
        expected_words=plan.expected_words,
        priority=plan.get_priority_display(),
        plan_url=reverse("admin:coordination_plan_change", args=[plan.pk]),
        story_url=reverse("admin:articles_article_change", args=[story.pk]) if story else None,
    )


def _story_row(story: Article) -> Row:
    return Row(
        slug_line=story.title,
        section=story.section,
        assignees=[],
        assignee_ids=set(),
        group=group_of(story),
        state=story.state_label,
        deadline=None,
        publish_at=story.published_at,
        overdue=False,
        words=len(story.body.split()),
        expected_words=None,
        priority="",
        plan_url=None,
        story_url=reverse("admin:articles_article_change", args=[story.pk]),
    )


def day_range(day: date, days: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=days)


def budget_rows(
    day: date, days: int = 1, *, section: int | None = None, assignee: int | None = None, group: str | None = None
) -> list[Row]:
    """Every row of the budget for ``days`` days from ``day``, filtered, by section then deadline."""
    start, end = day_range(day, days)
    now = timezone.now()
    plans = Plan.objects.between(start, end).for_budget()
    unplanned = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gte=max(start, now), published_at__lt=end, plan__isnull=True
    ).select_related("section")
    if section:
        plans = plans.filter(section=section)
        unplanned = unplanned.filter(section=section)
    rows = [_plan_row(plan, now) for plan in plans]
    if not assignee:
        rows += [_story_row(story) for story in unplanned]
    else:
        rows = [row for row in rows if assignee in row.assignee_ids]
    if group:
        rows = [row for row in rows if row.group == group]
    far = timezone.make_aware(datetime.max - timedelta(days=2))
    return sorted(rows, key=lambda row: (row.section.name, row.deadline or row.publish_at or far, row.slug_line))


def by_section(rows: Iterable[Row]) -> list[tuple[Section, list[Row]]]:
    grouped: dict[int, tuple[Section, list[Row]]] = {}
    for row in rows:
        grouped.setdefault(row.section.pk, (row.section, []))[1].append(row)
    return list(grouped.values())


def _cell(value) -> str:
    """A spreadsheet cell that cannot be taken for a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(rows: Iterable[Row]) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Section",
            "Slug line",
            "Assignees",
            "State",
            "Deadline",
            "Overdue",
            "Planned publication",
            "Words",
            "Expected words",
            "Priority",
        ]
    )
    for row in rows:
        writer.writerow(
            _cell(value)
            for value in [
                row.section.name,
                row.slug_line,
                "; ".join(row.assignees),
                row.state,
                timezone.localtime(row.deadline).isoformat(timespec="minutes") if row.deadline else "",
                "yes" if row.overdue else "",
                timezone.localtime(row.publish_at).isoformat(timespec="minutes") if row.publish_at else "",
                row.words if row.words is not None else "",
                row.expected_words or "",
                row.priority,
            ]
        )
    return out.getvalue()
