"""The desk's endpoints for the story form's script: JSON in, JSON out, for staff, CSRF-protected.

Thin: who may do what is ``desk.permissions`` (the story admin's own rules), the work is in
``autosaves``, ``presence`` and ``articles.rendering``.
"""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import time_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from articles.body_media import picture_warnings, render_body
from articles.models import Article
from articles.rendering import render_markdown

from . import autosaves, permissions, presence, throttle
from .models import Autosave

TOKEN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _payload(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ValueError("Send a JSON object.")
    return data


def _local_time(moment) -> str:
    return time_format(timezone.localtime(moment), "H:i")


def _autosave_json(autosave: Autosave | None, story: Article | None = None) -> dict | None:
    if autosave is None:
        return None
    answer = {
        "fields": autosave.fields,
        "updated_at": autosave.updated_at.isoformat(),
        "time": _local_time(autosave.updated_at),
        "token": autosave.client_token,
        "saved_since": None,
    }
    if story is not None and story.updated_at > autosave.updated_at:
        # Offered anyway (the words are still the writer's), saying the story moved on since.
        editor = story.updated_by
        answer["saved_since"] = {
            "by": presence.display_name(editor) if editor else "Someone",
            "time": _local_time(story.updated_at),
        }
    return answer


@never_cache
@require_POST
def preview(request: HttpRequest) -> JsonResponse:
    """The body rendered exactly as readers will get it, with its counts and its pictures' warnings."""
    permissions.require_writer(request)
    if not throttle.allow(
        "preview", request.user.pk, limit=settings.DESK_PREVIEW_LIMIT, window=settings.DESK_PREVIEW_WINDOW_SECONDS
    ):
        return _error("Too many previews in a short time: the preview will catch up in a few seconds.", 429)
    try:
        body = _payload(request).get("body", "")
    except ValueError as error:
        return _error(str(error), 400)
    if not isinstance(body, str):
        return _error("“body” must be text.", 400)
    stored = render_markdown(body)
    return JsonResponse(
        {
            # Figures, galleries and embeds as readers get them (an embed stays its notice and link: the
            # admin loads no provider's frame), and what is wrong with the pictures the body names.
            "html": render_body(stored).html,
            "warnings": picture_warnings(stored),
            "words": len(body.split()),
            "characters": len(body),
            # The reader page's own rule, from the model, never restated here.
            "reading_minutes": Article(body=body).reading_minutes,
        }
    )


def _write_or_answer(request: HttpRequest, *, story: Article | None = None, token: str = "") -> JsonResponse:
    if request.method == "GET":
        return JsonResponse({"autosave": _autosave_json(autosaves.of_story(request.user, story), story)})
    if request.method == "DELETE":
        autosaves.discard(request.user, story=story, token=token)
        return JsonResponse({"autosave": None})
    try:
        autosave = autosaves.write(request.user, _payload(request).get("fields"), story=story, token=token)
    except ValueError as error:
        return _error(str(error), 400)
    return JsonResponse({"saved_at": autosave.updated_at.isoformat(), "time": _local_time(autosave.updated_at)})


@never_cache
@require_http_methods(["GET", "POST", "DELETE"])
def story_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The user's own autosave of a story they may change: read, write or discard."""
    story = permissions.changeable_story(request, pk)
    return _write_or_answer(request, story=story)


@never_cache
@require_http_methods(["POST", "DELETE"])
def new_story_autosave(request: HttpRequest, token: str) -> JsonResponse:
    """The user's own autosave of a new story's form, named by the tab's token: write or discard."""
    permissions.require_new_story(request)
    if not (8 <= len(token) <= 64 and set(token) <= TOKEN_CHARACTERS):
        return _error("Unknown form token.", 400)
    return _write_or_answer(request, token=token)


@never_cache
@require_http_methods(["GET"])
def latest_new_story_autosave(request: HttpRequest) -> JsonResponse:
    """The user's most recent autosave of a story not yet saved, to offer on the add form."""
    permissions.require_new_story(request)
    return JsonResponse({"autosave": _autosave_json(autosaves.latest_new_story(request.user))})


def _opened_version(data: dict) -> int | None:
    value = data.get("opened_version")
    return value if isinstance(value, int) else None


@never_cache
@require_POST
def heartbeat(request: HttpRequest, pk: int) -> JsonResponse:
    """The user has the story open: answers who else does, and whether their form went stale meanwhile."""
    story = permissions.changeable_story(request, pk)
    try:
        opened_version = _opened_version(_payload(request))
    except ValueError as error:
        return _error(str(error), 400)
    presence.heartbeat(story, request.user)
    stale = None
    record = presence.taken_over(story, request.user, opened_version)
    if record:
        stale = {"by": record["name"], "time": _local_time(parse_datetime(record["at"])), "take_over": True}
    elif opened_version is not None and story.version > opened_version:
        editor = story.updated_by
        stale = {
            "by": presence.display_name(editor) if editor else "Someone",
            "time": _local_time(story.updated_at),
            "take_over": False,
        }
    return JsonResponse(
        {
            "editing": [
                {"name": person.name, "since": _local_time(person.since)}
                for person in presence.others_editing(story, request.user)
            ],
            "stale": stale,
            "can_take_over": permissions.may_take_over(request.user, story),
        }
    )


@never_cache
@require_POST
def leave(request: HttpRequest, pk: int) -> JsonResponse:
    """The user closed the form (sent as the page goes away)."""
    story = permissions.changeable_story(request, pk)
    presence.leave(story, request.user)
    return JsonResponse({})


@never_cache
@require_POST
def take_over(request: HttpRequest, pk: int) -> JsonResponse:
    """An editor takes the story over: the others' open forms will conflict on their next save."""
    story = permissions.changeable_story(request, pk)
    if not permissions.may_take_over(request.user, story):
        raise PermissionDenied("Only editors can take a story over.")
    return JsonResponse({"version": presence.take_over(story, request.user)})
