"""The editorial workflow: who may do what to a story, and the transitions themselves.

Every rule lives here and only here. The admin's forms, buttons, bulk actions
and permission hooks all ask ``can()``/``require()``; the transition functions
check again before they change anything, so a forged request meets the same
rule as a click.

States::

    draft ──submit──▶ in review ──publish/schedule──▶ published ──unpublish──▶ unpublished
      ▲                 │    │                          (live, scheduled
      └────withdraw─────┘    └──send back──▶ sent back    or embargoed)
                                               └──submit──▶ in review

A "scheduled" story is a published one whose time has not come; an "embargoed"
one has an embargo time still ahead. ``Article.objects.published()`` hides both
until their time, with no job to run.

The newsroom's own automation (imports, the demo loader, scheduled jobs) acts as
``SYSTEM``: it goes through the same functions and leaves the same ``Transition``
records, with no person's name on them (``actor`` is empty).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Article, Correction, FormerSlug, FrontPageSlot, Transition

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"

# Journalists may only work on these; once filed, a story is the desk's.
WRITABLE_BY_JOURNALIST = {Status.DRAFT, Status.SENT_BACK}
# Nobody edits these in the story form; they change only through transitions.
TRANSITION_FIELDS = frozenset({"status", "published_at"})
# Only editors set these in the story form.
EDITOR_FIELDS = frozenset({"front_page_slot", "embargo_until"})


class Action(StrEnum):
    ADD = "add"
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    SEND_BACK = "send_back"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNPUBLISH = "unpublish"
    LIFT_EMBARGO = "lift_embargo"
    CORRECT = "correct"
    FEATURE = "feature"
    RESTORE = "restore"
    PREVIEW_LINK = "preview_link"
    HISTORY = "history"  # read the revisions (text removed before publication too) and the timeline's notes
    CHANGE_ADDRESS = "change_address"  # a published story's slug, keeping the old address as a redirect
    IMPORT = "import"  # bring outside copy in as stories for review: editors only


# What only the desk decides; with no story named, ``can()`` answers whether a user may ever do it.
DESK_ACTIONS = frozenset(
    {
        Action.SEND_BACK,
        Action.PUBLISH,
        Action.SCHEDULE,
        Action.UNPUBLISH,
        Action.LIFT_EMBARGO,
        Action.CORRECT,
        Action.FEATURE,
        Action.RESTORE,
        Action.PREVIEW_LINK,
        Action.CHANGE_ADDRESS,
        Action.IMPORT,
    }
)


class SystemActor:
    """The newsroom's own automation: imports run from the command line, the demo loader, scheduled jobs.

    It may do what the desk may do, and is recorded as no one (``actor`` and ``updated_by`` stay empty).
    """

    is_authenticated = True
    is_active = True
    is_staff = True
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def _person(user: AbstractBaseUser | SystemActor | None) -> AbstractBaseUser | None:
    """The user to record for ``user``: nobody for the system."""
    return None if user is None or isinstance(user, SystemActor) else user


class WorkflowError(PermissionDenied):
    """A refused action; the message says why, for the person who tried it."""


def is_editor(user: AbstractBaseUser) -> bool:
    if isinstance(user, SystemActor):
        return True
    return bool(user.is_active and user.has_perm(PUBLISH_PERMISSION))


def is_staff_writer(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm("articles.add_article"))


def owns(user: AbstractBaseUser, article: Article) -> bool:
    """A journalist's own story: one they created, or one carrying their byline, unless it was imported.

    Imported copy stays with the desk whoever its byline names: a byline from outside, or one an editor
    set on wire copy, never moves a story out of the editors' review queue into a writer's hands.
    """
    if article.pk is None:
        return True
    if article.created_by_id == user.pk:
        return True
    on_byline = any(getattr(author, "user_id", None) == user.pk for author in article.byline_authors)
    return on_byline and not article.imports.exists()


def can(user: AbstractBaseUser, action: Action, article: Article | None = None) -> bool:
    """Whether ``user`` may take ``action`` on ``article`` in its current state."""
    try:
        require(user, action, article)
    except WorkflowError:
        return False
    return True


def require(user: AbstractBaseUser, action: Action, article: Article | None = None) -> None:
    """Raise ``WorkflowError`` with a reason unless ``user`` may take ``action`` on ``article``."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise WorkflowError("Only newsroom staff can work on stories.")
    editor = is_editor(user)
    if action == Action.ADD:
        if not (editor or is_staff_writer(user)):
            raise WorkflowError("You do not have permission to write stories.")
        return
    if action == Action.IMPORT:
        if not editor:
            raise WorkflowError("Only editors can import stories.")
        return
    if article is None:
        # Whether the user may take this action on some story (which bulk actions and buttons to offer).
        if action in DESK_ACTIONS and not editor:
            raise WorkflowError("Only editors can do this.")
        if not (editor or is_staff_writer(user)):
            raise WorkflowError("You do not have permission to work on stories.")
        return

    status = article.status
    own = owns(user, article)
    if action == Action.VIEW:
        if editor or own or article.is_published:
            return
        raise WorkflowError("You can only see your own unpublished stories.")
    if action == Action.HISTORY:
        # Readers see the published text; how it got there (cut paragraphs, editors' notes) is the
        # business of its writers and the desk.
        if editor or own:
            return
        raise WorkflowError("Only the story's writers and the editors can read its history.")
    if action in (Action.CHANGE, Action.DELETE):
        if editor:
            return
        if not (is_staff_writer(user) and own):
            raise WorkflowError("You can only change your own stories.")
        if status not in WRITABLE_BY_JOURNALIST:
            raise WorkflowError(
                f"This story is {article.get_status_display().lower()}: only an editor can change it now."
            )
        return
    if action == Action.SUBMIT:
        if not (editor or own):
            raise WorkflowError("You can only submit your own stories.")
        if status not in WRITABLE_BY_JOURNALIST:
            raise WorkflowError(f"A story that is {article.get_status_display().lower()} cannot be submitted.")
        return
    if action == Action.WITHDRAW:
        if not (editor or own):
            raise WorkflowError("You can only withdraw your own submissions.")
        if status != Status.IN_REVIEW:
            raise WorkflowError("Only a story in review can be withdrawn.")
        return

    # Everything below is the desk's decision.
    if not editor:
        raise WorkflowError("Only editors can do this.")
    if action == Action.SEND_BACK and status != Status.IN_REVIEW:
        raise WorkflowError("Only a story in review can be sent back.")
    if action in (Action.PUBLISH, Action.SCHEDULE) and status == Status.PUBLISHED and article.is_published:
        raise WorkflowError("This story is already live.")
    if action == Action.UNPUBLISH and status != Status.PUBLISHED:
        raise WorkflowError("Only a published or scheduled story can be unpublished.")
    if action == Action.LIFT_EMBARGO and not (article.embargo_until and article.embargo_until > timezone.now()):
        raise WorkflowError("This story has no embargo running.")
    if action == Action.CORRECT and not article.is_published:
        raise WorkflowError("Corrections are for stories readers can see; edit an unpublished story instead.")
    if action == Action.CHANGE_ADDRESS and not address_is_fixed(article):
        raise WorkflowError("This story has not been published: change its slug in the story form.")


# How a refusal names the last step taken on the story: "Lena Ortiz submitted this story for review at 10:42".
_DONE = {
    Action.SUBMIT: "submitted this story for review",
    Action.WITHDRAW: "withdrew this story from review",
    Action.SEND_BACK: "sent this story back",
    Action.PUBLISH: "published this story",
    Action.SCHEDULE: "scheduled this story",
    Action.UNPUBLISH: "unpublished this story",
    Action.LIFT_EMBARGO: "lifted this story's embargo",
    Action.CORRECT: "added a correction to this story",
    Action.IMPORT: "imported this story into review",
}
# What a journalist's own story in each state needs before they may change it again.
_UNTIL = {
    Status.IN_REVIEW: "an editor must send it back (or you can withdraw it from review) before you can change it.",
    Status.PUBLISHED: "only an editor can change it now.",
    Status.UNPUBLISHED: "only an editor can change it now.",
}


def refusal(user: AbstractBaseUser, action: Action, article: Article | None = None) -> str | None:
    """Why ``user`` may not take ``action`` on ``article``, in words naming who did what and when; None if they may.

    The rule is ``require()``'s; this only adds the story's last step to its reason, for the pages that
    refuse a save or a button pressed on a page that has gone stale.
    """
    try:
        require(user, action, article)
    except WorkflowError as error:
        reason = str(error)
    else:
        return None
    if article is None or article.pk is None or not (user.is_authenticated and user.is_staff):
        return reason
    if not (is_editor(user) or owns(user, article)):
        writer = article.byline_names or (_name(article.created_by, user) if article.created_by_id else "")
        whose = f"“{article.title}” is {writer}’s story" if writer else f"“{article.title}” is another writer’s story"
        if action == Action.VIEW:
            return f"{whose} and is not published: you can open your own stories, and published ones."
        return f"{whose}: {reason[0].lower()}{reason[1:]}"
    last = article.transitions.select_related("actor__author").order_by("-at", "-pk").first()
    if last is None or last.action not in _DONE:
        return reason
    did = f"{_name(last.actor, user)} {_DONE[last.action]} {_when(last.at)}"
    if action in (Action.CHANGE, Action.DELETE) and not is_editor(user) and article.status in _UNTIL:
        return f"{did}; {_UNTIL[article.status]}"
    return f"{did}. {reason}"


def _name(person: AbstractBaseUser | None, user: AbstractBaseUser) -> str:
    if person is None:
        return "The newsroom’s automation"
    if person.pk == user.pk:
        return "You"
    byline = getattr(person, "author", None)  # the name colleagues know from bylines, if they have one
    return person.get_full_name() or (byline.name if byline else person.get_username())


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"at {local:%H:%M}"
    return f"on {local.day} {local:%B} at {local:%H:%M}"


def locked_form_fields(user: AbstractBaseUser) -> frozenset[str]:
    """Story-form fields ``user`` may not set directly; posting one of them is refused."""
    return TRANSITION_FIELDS if is_editor(user) else TRANSITION_FIELDS | EDITOR_FIELDS


def visible_to(user: AbstractBaseUser, stories):
    """The stories ``user`` may see in the back office: editors all, journalists their own (as ``owns()``
    says: bylines of imported copy confer nothing) and live ones."""
    from django.db.models import Q

    if is_editor(user):
        return stories
    return stories.filter(
        Q(created_by=user) | Q(bylines__author__user=user, imports__isnull=True) | Q(pk__in=Article.objects.published())
    ).distinct()


def unpublished_work_of(user: AbstractBaseUser):
    """The stories ``user`` filed that are not published (drafts, in review, sent back, unpublished), newest first."""
    return (
        visible_to(user, Article.objects.exclude(status=Status.PUBLISHED))
        .filter(created_by=user)
        .order_by("-updated_at")
    )


def address_is_fixed(article: Article) -> bool:
    """Whether the story's slug is fixed: once published (even if withdrawn since), its address is out there.

    Only an editor changes it then, through ``change_address``, which keeps the old address as a redirect.
    """
    return article.pk is not None and article.status in (Status.PUBLISHED, Status.UNPUBLISHED)


def takes_outside_updates(article: Article) -> bool:
    """Whether an agency's new version of an imported item may replace the story's text: not once published."""
    return article.status not in (Status.PUBLISHED, Status.UNPUBLISHED)


# --- Transitions --------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    article: Article
    transition: Transition | None
    message: str


def _move(
    article: Article, user: AbstractBaseUser, action: Action, to_status: str, *, note: str = "", **changes
) -> Transition:
    from_status = article.status
    article.status = to_status
    for field, value in changes.items():
        setattr(article, field, value)
    article.updated_by = _person(user)
    article.save()
    return Transition.objects.create(
        article=article, from_status=from_status, to_status=to_status, action=action, note=note, actor=_person(user)
    )


def _locked(article: Article) -> Article:
    """The story re-read under a row lock, so two editors cannot act on it at once."""
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic(savepoint=False)  # inside the importer's own transaction per item: no savepoint to pay for
def file_imported(article: Article, user: AbstractBaseUser | SystemActor, *, note: str, at: datetime) -> Transition:
    """Save a new story made from outside copy straight into review, as if its writer had submitted it.

    ``article`` is not saved yet; one save stores it in review, and the step is recorded as an import.
    """
    require(user, Action.IMPORT)
    article.status = Status.IN_REVIEW
    article.submitted_at = at
    article.save()
    return Transition.objects.create(
        article=article,
        from_status=Status.DRAFT,
        to_status=Status.IN_REVIEW,
        action=Action.IMPORT,
        note=note,
        actor=_person(user),
        at=at,
    )


@transaction.atomic
def submit(article: Article, user: AbstractBaseUser, *, note: str = "") -> Outcome:
    article = _locked(article)
    require(user, Action.SUBMIT, article)
    transition = _move(article, user, Action.SUBMIT, Status.IN_REVIEW, note=note, submitted_at=timezone.now())
    return Outcome(article, transition, "Submitted for review.")


@transaction.atomic
def withdraw(article: Article, user: AbstractBaseUser, *, note: str = "") -> Outcome:
    article = _locked(article)
    require(user, Action.WITHDRAW, article)
    transition = _move(article, user, Action.WITHDRAW, Status.DRAFT, note=note, submitted_at=None)
    return Outcome(article, transition, "Withdrawn from review; it is a draft again.")


@transaction.atomic
def send_back(article: Article, user: AbstractBaseUser, *, note: str) -> Outcome:
    article = _locked(article)
    require(user, Action.SEND_BACK, article)
    if not note.strip():
        raise WorkflowError("Say what needs to change: a note is required to send a story back.")
    transition = _move(article, user, Action.SEND_BACK, Status.SENT_BACK, note=note.strip(), submitted_at=None)
    return Outcome(article, transition, "Sent back to the writer with your note.")


@transaction.atomic
def publish(
    article: Article,
    user: AbstractBaseUser | SystemActor,
    *,
    at: datetime | None = None,
    note: str = "",
    backdated: bool = False,
) -> Outcome:
    """Approve and publish now, or at ``at`` (a future time schedules the story).

    ``backdated`` keeps a past ``at`` as the publication time (people publish now): only the system
    may record a publication that happened elsewhere or earlier, as the demo loader does.
    """
    if backdated and not isinstance(user, SystemActor):
        raise WorkflowError("Only the newsroom's own automation can backdate a publication.")
    article = _locked(article)
    now = timezone.now()
    scheduled = at is not None and at > now
    require(user, Action.SCHEDULE if scheduled else Action.PUBLISH, article)
    when = at if scheduled or (backdated and at is not None) else now
    if article.embargo_until and article.embargo_until > when:
        # Readers will only see it when the embargo ends; say so in its time.
        when = article.embargo_until
    transition = _move(
        article,
        user,
        Action.SCHEDULE if when > now else Action.PUBLISH,
        Status.PUBLISHED,
        note=note,
        published_at=when,
        submitted_at=None,
    )
    if when > now:
        message = f"Scheduled for {timezone.localtime(when):%d %b %Y, %H:%M}."
    else:
        message = "Published: readers can see it now."
    return Outcome(article, transition, message)


@transaction.atomic
def unpublish(article: Article, user: AbstractBaseUser, *, reason: str) -> Outcome:
    article = _locked(article)
    require(user, Action.UNPUBLISH, article)
    if not reason.strip():
        raise WorkflowError("Give a reason: it is kept with the story's history.")
    transition = _move(article, user, Action.UNPUBLISH, Status.UNPUBLISHED, note=reason.strip(), front_page_slot=None)
    return Outcome(article, transition, "Unpublished: readers can no longer see it.")


@transaction.atomic
def lift_embargo(article: Article, user: AbstractBaseUser, *, note: str = "") -> Outcome:
    article = _locked(article)
    require(user, Action.LIFT_EMBARGO, article)
    now = timezone.now()
    changes = {"embargo_until": None}
    if article.status == Status.PUBLISHED and article.published_at and article.published_at > now:
        changes["published_at"] = now
    transition = _move(article, user, Action.LIFT_EMBARGO, article.status, note=note or "Embargo lifted.", **changes)
    return Outcome(article, transition, "Embargo lifted.")


@transaction.atomic
def pin_to_front_page(article: Article, user: AbstractBaseUser, *, slot: int | None) -> Outcome:
    """Pin the story to ``slot`` of the front page's top stories (see ``FrontPageSlot``), or unpin it (None).

    ``Article.objects.free_front_page_slot()`` finds the first slot nobody holds.
    """
    if slot is not None and slot not in FrontPageSlot.values:
        raise WorkflowError(f"The front page has slots 1 to {len(FrontPageSlot.values)}.")
    article = _locked(article)
    require(user, Action.FEATURE, article)
    article.front_page_slot = slot
    article.updated_by = _person(user)
    article.save(update_fields=["front_page_slot", "updated_at", "updated_by"])
    if slot is None:
        return Outcome(article, None, "Taken off the front page's top stories.")
    return Outcome(article, None, f"Pinned to the front page: {FrontPageSlot(slot).label}.")


@transaction.atomic
def change_address(article: Article, user: AbstractBaseUser, *, slug: str) -> Outcome:
    """Give a published story a new slug; its old address redirects to the new one for good."""
    article = _locked(article)
    require(user, Action.CHANGE_ADDRESS, article)
    if slug == article.slug:
        raise WorkflowError("That is already the story's address.")
    if article.free_slug(slug) != slug:
        raise WorkflowError(f"Another story has, or had, the address “{slug}”: choose another.")
    old = article.slug
    # Taking back one of its own former slugs: that address is the story's again, not a redirect.
    article.former_slugs.filter(slug=slug).delete()
    FormerSlug.objects.create(article=article, slug=old, replaced_by=_person(user))
    article.slug = slug
    article.updated_by = _person(user)
    article.save(update_fields=["slug", "updated_at", "updated_by"])
    return Outcome(article, None, f"The story's address now ends in “{slug}”; the old address redirects to it.")


@transaction.atomic
def add_correction(article: Article, user: AbstractBaseUser, *, kind: str, note: str) -> Correction:
    """Append a correction, clarification or update to a live story; readers see “Updated”."""
    article = _locked(article)
    require(user, Action.CORRECT, article)
    if kind not in Correction.Kind.values:
        raise WorkflowError("Choose correction, clarification or update.")
    if not note.strip():
        raise WorkflowError("Write the note readers will see.")
    correction = Correction.objects.create(article=article, kind=kind, note=note.strip(), created_by=_person(user))
    article.revised_at = correction.created_at
    article.updated_by = _person(user)
    article.save(update_fields=["revised_at", "updated_at", "updated_by"])
    Transition.objects.create(
        article=article,
        from_status=article.status,
        to_status=article.status,
        action=Action.CORRECT,
        note=f"{correction.get_kind_display()}: {correction.note}",
        actor=_person(user),
    )
    return correction
