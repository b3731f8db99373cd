"""The story page's workflow actions: their labels, and the table from each to its workflow function."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import previews, workflow
from ..models import (
    Article,
)
from ..workflow import Action

# Actions offered on a story's page, in the order they are shown, with their button labels.
ACTION_LABELS = {
    Action.SUBMIT: "Submit for review",
    Action.WITHDRAW: "Withdraw from review",
    Action.SEND_BACK: "Send back with a note",
    Action.PUBLISH: "Approve and publish now",
    Action.SCHEDULE: "Schedule…",
    Action.LIFT_EMBARGO: "Lift embargo now",
    Action.UNPUBLISH: "Unpublish…",
    Action.CORRECT: "Add a correction…",
    Action.PREVIEW_LINK: "Create a preview link…",
    Action.CHANGE_ADDRESS: "Change the address…",
}


# How each action is taken from the story form. One step: the form is saved, then the action taken, at one
# click. A note: the same, with the note asked for in a dialog on the page. The rest have a page of their own
# for what they need (a time, a correction, a link's lifetime, a new address).
ONE_STEP = frozenset({Action.SUBMIT, Action.WITHDRAW, Action.PUBLISH, Action.LIFT_EMBARGO})
NOTE_IN_DIALOG = frozenset({Action.SEND_BACK, Action.UNPUBLISH})
# Their labels where the click saves the form first.
SAVE_AND_LABELS = {
    Action.SUBMIT: "Save and submit for review",
    Action.WITHDRAW: "Save and withdraw from review",
    Action.PUBLISH: "Save and publish now",
    Action.LIFT_EMBARGO: "Save and lift the embargo",
    Action.SEND_BACK: "Save and send back",
    Action.UNPUBLISH: "Save and unpublish",
}


def _note(data: dict) -> str:
    return data.get("note", "")


def _correct(request: HttpRequest, article: Article, data: dict) -> str:
    correction = workflow.add_correction(article, request.user, kind=data["kind"], note=_note(data))
    return f"{correction.get_kind_display()} added; the story now shows “Updated”."


def _preview_link(request: HttpRequest, article: Article, data: dict) -> str:
    link, token = previews.create_link(
        article, request.user, label=data["label"], lifetime=timedelta(hours=data["hours"])
    )
    url = request.build_absolute_uri(reverse("articles:preview_link", args=[token]))
    messages.warning(
        request,
        format_html(
            "Preview link, valid until {}. Copy it now: it will not be shown again. <code>{}</code>",
            timezone.localtime(link.expires_at).strftime("%d %b %Y %H:%M"),
            url,
        ),
    )
    return "Preview link created."


def _step(function: Callable, **fields: str) -> Callable[[HttpRequest, Article, dict], str]:
    """A step calling ``function(article, user, …)`` with the form's note (and other fields) as keywords."""

    def step(request: HttpRequest, article: Article, data: dict) -> str:
        keywords = {keyword: data.get(field, "") for keyword, field in fields.items()}
        return function(article, request.user, **keywords).message

    return step


# Each action page's step: the workflow function it calls, given the request, the story and the
# form's cleaned data, returning the message shown on the story.
STEPS: dict[Action, Callable[[HttpRequest, Article, dict], str]] = {
    Action.SUBMIT: _step(workflow.submit, note="note"),
    Action.WITHDRAW: _step(workflow.withdraw, note="note"),
    Action.SEND_BACK: _step(workflow.send_back, note="note"),
    Action.PUBLISH: _step(workflow.publish, note="note"),
    Action.SCHEDULE: _step(workflow.publish, at="publish_at", note="note"),
    Action.UNPUBLISH: _step(workflow.unpublish, reason="note"),
    Action.LIFT_EMBARGO: _step(workflow.lift_embargo, note="note"),
    Action.CORRECT: _correct,
    Action.PREVIEW_LINK: _preview_link,
    Action.CHANGE_ADDRESS: _step(workflow.change_address, slug="slug"),
}
