"""Who may read and write a story's editorial comments, in the workflow's own terms.

Editors on every story; a journalist on the stories that are theirs (``workflow.owns``: created or
bylined) or that an editor assigned to them (a plan linked to the story), whatever their state,
since the conversation goes on while the desk has the story. Nothing here re-derives a rule: it
combines ``articles.workflow``'s predicates with the plan's assignees.
"""

from django.contrib.auth.base_user import AbstractBaseUser

from articles import workflow
from articles.models import Article


def may_comment(user: AbstractBaseUser, story: Article) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if workflow.is_editor(user):
        return True
    return workflow.is_staff_writer(user) and (workflow.owns(user, story) or is_assigned(user, story))


def is_assigned(user: AbstractBaseUser, story: Article) -> bool:
    """Whether an editor assigned ``story`` to ``user`` (a plan linked to it names them)."""
    from .models import Plan

    return Plan.objects.filter(story=story, assignees=user).exists()


def stories_commentable_by(user: AbstractBaseUser, stories):
    """The stories whose comments ``user`` may read: the queryset twin of ``may_comment``."""
    from django.db.models import Q

    if workflow.is_editor(user):
        return stories
    if not workflow.is_staff_writer(user):
        return stories.none()
    return stories.filter(Q(created_by=user) | Q(bylines__author__user=user) | Q(plan__assignees=user)).distinct()
