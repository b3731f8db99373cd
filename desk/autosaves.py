"""Writing, reading and discarding one person's autosave, and forgetting old ones.

An autosave belongs to one person: every function here takes the user and touches only that user's rows,
so two people's autosaves never mix. Whether the person may work on the story is the caller's question
(``desk.permissions``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from articles.models import Article

from .models import Autosave

MAX_FIELDS = 100
MAX_NAME_LENGTH = 100


class InvalidAutosaveError(ValueError):
    """The posted form state is not a flat mapping of field names to text; the message says what is wrong."""


def clean_fields(fields: object) -> dict:
    """The form's fields as the browser sent them: names to text, booleans or lists of text."""
    if not isinstance(fields, dict):
        raise InvalidAutosaveError("“fields” must be an object of field names and values.")
    if len(fields) > MAX_FIELDS:
        raise InvalidAutosaveError(f"At most {MAX_FIELDS} fields can be kept.")
    for name, value in fields.items():
        if not (isinstance(name, str) and 0 < len(name) <= MAX_NAME_LENGTH):
            raise InvalidAutosaveError("Field names must be short text.")
        text_list = isinstance(value, list) and all(isinstance(item, str) for item in value)
        if not (isinstance(value, str | bool) or text_list):
            raise InvalidAutosaveError(f"The value of “{name}” must be text, true/false or a list of text.")
    return fields


def write(user: AbstractBaseUser, fields: object, *, story: Article | None = None, token: str = "") -> Autosave:
    """Keep ``fields`` as ``user``'s autosave of ``story`` (or of the new story ``token`` names)."""
    fields = clean_fields(fields)
    if story is not None:
        autosave, _ = Autosave.objects.update_or_create(story=story, user=user, defaults={"fields": fields})
    else:
        autosave, _ = Autosave.objects.update_or_create(
            story=None, user=user, client_token=token, defaults={"fields": fields}
        )
    return autosave


def of_story(user: AbstractBaseUser, story: Article) -> Autosave | None:
    return Autosave.objects.filter(story=story, user=user).first()


def latest_new_story(user: AbstractBaseUser) -> Autosave | None:
    """``user``'s most recent autosave of a story they have not saved yet, from any tab."""
    return Autosave.objects.filter(story=None, user=user).order_by("-updated_at").first()


def discard(user: AbstractBaseUser, *, story: Article | None = None, token: str = "") -> None:
    if story is not None:
        Autosave.objects.filter(story=story, user=user).delete()
    else:
        Autosave.objects.filter(story=None, user=user, client_token=token).delete()


def superseded_by_save(story: Article) -> None:
    """A real save of ``story`` supersedes the autosave of whoever saved it (other people's stay theirs)."""
    if story.updated_by_id is not None:
        Autosave.objects.filter(story=story, user_id=story.updated_by_id).delete()


def forget_old(*, now=None) -> int:
    """Delete autosaves nobody has touched for ``DESK_AUTOSAVE_DAYS``; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DESK_AUTOSAVE_DAYS)
    deleted, _ = Autosave.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
