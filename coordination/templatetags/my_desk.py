"""``{% my_desk %}`` on the admin index: a journalist's assignments, sent-back stories and mentions;
an editor's overdue plans and today's budget. A fixed handful of queries."""

from django import template
from django.utils import timezone

from articles import workflow
from articles.models import Article
from notifications.models import Event, Notification

from ..budget import day_range
from ..models import Plan

register = template.Library()

SHOWN = 10


@register.inclusion_tag("coordination/my_desk.html", takes_context=True)
def my_desk(context) -> dict:
    user = context["request"].user
    if workflow.is_editor(user):
        start, end = day_range(timezone.localdate(), 1)
        return {
            "editor": True,
            "overdue": list(
                Plan.objects.unfinished().filter(deadline__lt=timezone.now()).select_related("section")[:SHOWN]
            ),
            "today_count": Plan.objects.between(start, end).count(),
        }
    return {
        "editor": False,
        "assignments": list(Plan.objects.unfinished().filter(assignees=user).select_related("section")[:SHOWN]),
        "sent_back": list(workflow.unpublished_work_of(user).filter(status=Article.Status.SENT_BACK)[:SHOWN]),
        "mentions": list(
            Notification.objects.for_user(user).unread().filter(event=Event.MENTIONED).select_related("actor")[:SHOWN]
        ),
        "now": timezone.now(),
    }
