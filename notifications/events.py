"""Who hears of what: the workflow's steps (its ``Transition`` records), live posts sent for approval and
comments become notifications.

The workflow is not changed to send anything: a receiver watches ``Transition`` rows being created, so
every step, by a person or the system, is seen the same way. What a recipient may read of the story is
asked of ``articles.workflow`` when the notification is made; e-mails go out after the commit
(``delivery.queue_email``), so a transition never waits for SMTP.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.text import Truncator

from articles import workflow
from articles.models import Article, Transition

from .delivery import queue_email
from .models import Delivery, Event, Notification, Preference

# Which workflow steps notify whom: "editors" or the story's "journalists".
TRANSITION_EVENTS = {
    workflow.Action.SUBMIT: (Event.SUBMITTED, "editors"),
    workflow.Action.SEND_BACK: (Event.SENT_BACK, "journalists"),
    workflow.Action.PUBLISH: (Event.PUBLISHED, "journalists"),
    workflow.Action.SCHEDULE: (Event.SCHEDULED, "journalists"),
    workflow.Action.CORRECT: (Event.CORRECTED, "journalists"),
}


def editors():
    """Active staff who hold the desk's permission (the one ``workflow.is_editor`` asks for)."""
    users = get_user_model().objects.with_perm(
        workflow.PUBLISH_PERMISSION, include_superusers=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return users.filter(is_staff=True)


def journalists_of(story: Article) -> list:
    """The people whose story it is: who created it and every byline with an account."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return list(users.filter(Q(pk=story.created_by_id) | Q(author__bylines__article=story)).distinct())


def notify(
    recipients: Iterable,
    event: str,
    story: Article | None,
    *,
    actor=None,
    text: str = "",
    headline: str = "",
    link: str = "",
) -> list[Notification]:
    """Make one notification per recipient (never the actor), and queue the e-mails they want.

    ``text`` (a note, a comment) is kept only for recipients who may see ``story``: others learn its
    headline and nothing more. Without a story, ``headline`` and ``link`` (an admin path) say what it is about.
    """
    made = []
    actor_pk = getattr(actor, "pk", None)
    for recipient in {user.pk: user for user in recipients}.values():
        if recipient.pk == actor_pk or not recipient.is_active:
            continue
        may_see = story is None or workflow.can(recipient, workflow.Action.VIEW, story)
        notification = Notification.objects.create(
            recipient=recipient,
            event=event,
            story=story,
            actor=actor if actor_pk else None,
            headline=story.title if story else headline,
            link=link,
            text=text if may_see else "",
            delivery=Preference.objects.delivery_for(recipient, event) if recipient.email else Delivery.ADMIN,
        )
        if notification.delivery == Delivery.IMMEDIATE:
            queue_email(notification)
        made.append(notification)
    return made


def transition_recorded(sender, instance: Transition, created: bool, raw: bool = False, **kwargs) -> None:
    """A workflow step was recorded: tell whom it concerns."""
    if not created or raw or instance.action not in TRANSITION_EVENTS:
        return
    event, audience = TRANSITION_EVENTS[instance.action]
    story = instance.article
    recipients = editors() if audience == "editors" else journalists_of(story)
    notify(recipients, event, story, actor=instance.actor, text=instance.note)


def story_taken_over(sender, story: Article, editor, editing: list, **kwargs) -> None:
    """An editor took a story over in the writing desk: tell its journalists and whoever had it open."""
    others = get_user_model().objects.filter(pk__in=[person.user_id for person in editing])
    notify([*journalists_of(story), *others], Event.TAKEN_OVER, story, actor=editor)


def live_post_recorded(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A journalist's live post was sent for approval: the editors hear of it as of a story submitted,
    with the post itself to read, and a link to the review queue where they approve it."""
    from live.models import LivePostRevision

    if not created or raw or instance.action != LivePostRevision.Action.SUBMITTED:
        return
    story = instance.coverage.article
    title = instance.content.get("title") or Truncator(instance.content.get("body", "")).words(12)
    notify(
        editors(),
        Event.SUBMITTED,
        None,  # the link goes to the queue, not to the story's form
        actor=instance.actor,
        headline=f"Live post on {story.title}: {title}"[:300],
        link=reverse("admin:articles_storyinreview_changelist"),
        text=instance.content.get("body", ""),
    )


def connect_receivers() -> None:
    from desk.presence import story_taken_over as taken_over_signal
    from live.models import LivePostRevision

    post_save.connect(transition_recorded, sender=Transition, dispatch_uid="notifications.transition_recorded")
    post_save.connect(live_post_recorded, sender=LivePostRevision, dispatch_uid="notifications.live_post_recorded")
    taken_over_signal.connect(story_taken_over, dispatch_uid="notifications.story_taken_over")
