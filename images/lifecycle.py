"""Keeping an image field's files in step with its rows.

For each field registered with ``manage_image_field``:

- a new upload is made anew from its picture alone before it is stored
  (``images.uploads.clean_upload``); its stored width and height are what
  readers see, upright (``images.uploads.PictureFieldFile``);
- once the transaction commits, the new image's renditions are made (and, for a
  field registered with a focal point, its crops around that point, made again
  whenever the point moves), and the
  renditions of the image it replaced (or of a deleted row's image) are deleted,
  by a Celery worker when a broker is configured (``images.tasks``), else right
  there in the process that saved (see ``common.background``).

Work on files waits for the commit so that a rolled-back save never leaves
renditions of an image no row points to, nor deletes those of one that is
still used. Originals are never deleted, as in Django itself: revisions,
corrections or a copied row may still refer to them, and every rendition can
be made again from its original (``manage.py make_renditions``), which also
catches up on writes that send no signals (``bulk_create``, ``update()``).
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal
from PIL import UnidentifiedImageError

from common.background import enqueue
from common.django_internals import already_stored

from .renditions import FocalPoint, delete_renditions, ensure_crops, ensure_renditions
from .uploads import clean_upload

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ManagedImage:
    model: type[models.Model]
    field_name: str
    # The names of the model's two fields holding the focal point (fractions from the top left), if any.
    focal_point_fields: tuple[str, str] | None = None

    @property
    def field(self) -> models.ImageField:
        return self.model._meta.get_field(self.field_name)

    def stored_names(self) -> list[str]:
        """Each image file the model's rows point to, once (rows may share one)."""
        name = self.field_name
        rows = self.model._default_manager.exclude(**{name: ""})
        return list(rows.order_by(name).values_list(name, flat=True).distinct())

    def focal_point(self, stored_name: str) -> FocalPoint | None:
        """The focal point of the row holding ``stored_name`` as it is now; None without one (or without the row)."""
        if not self.focal_point_fields or not stored_name:
            return None
        rows = self.model._default_manager.filter(**{self.field_name: stored_name})
        return rows.values_list(*self.focal_point_fields).first()


MANAGED_IMAGES: list[ManagedImage] = []

# Sent (sender: the model; ``field_name``, ``name``) when a worker has made an image's renditions: pages
# rendered meanwhile show the original (see ``{% picture %}``), and content apps may want them re-rendered.
renditions_made = Signal()

# Set on an instance between pre_save and post_save: {field name: (name, focal point) stored before this save}.
_PREVIOUS = "_image_names_before_save"


def manage_image_field(
    model: type[models.Model], field_name: str, *, focal_point_fields: tuple[str, str] | None = None
) -> None:
    """Clean uploads to ``model.field_name`` and keep its renditions made and tidied.

    With ``focal_point_fields`` (the names of two float fields, 0–1 from the left and from the top), its
    crops around that point too (``images.renditions.crops``).
    """
    managed = ManagedImage(model, field_name, focal_point_fields)
    if managed in MANAGED_IMAGES:
        return
    MANAGED_IMAGES.append(managed)
    uid = f"image-lifecycle:{model._meta.label}.{field_name}"
    pre_save.connect(partial(_before_save, managed), sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(partial(_after_save, managed), sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(partial(_after_delete, managed), sender=model, weak=False, dispatch_uid=uid)


def _before_save(managed: ManagedImage, sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    name = managed.field_name
    watched = {name, *(managed.focal_point_fields or ())}
    if raw or (update_fields is not None and not watched & set(update_fields)):
        return
    image: FieldFile = getattr(instance, name)
    # An upload not yet in storage: Django stores it later in this save.
    if image and not already_stored(image):
        setattr(instance, name, clean_upload(image.file))  # also refreshes the width and height fields
    previous, previous_focus = "", None
    if not instance._state.adding:
        focus_fields = managed.focal_point_fields or ()
        row = sender._default_manager.filter(pk=instance.pk).values_list(name, *focus_fields).first()
        if row:
            previous, previous_focus = row[0] or "", tuple(row[1:]) or None
    instance.__dict__.setdefault(_PREVIOUS, {})[name] = (previous, previous_focus)


def _after_save(managed: ManagedImage, sender, instance, raw=False, using=None, **kwargs) -> None:
    previous_names = instance.__dict__.get(_PREVIOUS, {})
    if managed.field_name not in previous_names:
        return
    previous, previous_focus = previous_names.pop(managed.field_name)
    current = getattr(instance, managed.field_name).name or ""
    if current != previous:
        _queue(managed, current, previous, using)
    elif current and managed.focal_point_fields:
        focus = tuple(getattr(instance, field) for field in managed.focal_point_fields)
        if focus != previous_focus:
            _queue(managed, current, "", using)  # the same picture: only its crops change


def _after_delete(managed: ManagedImage, sender, instance, using=None, **kwargs) -> None:
    name = getattr(instance, managed.field_name).name
    if name:
        _queue(managed, "", name, using)


def _queue(managed: ManagedImage, current: str, previous: str, using: str | None) -> None:
    from .tasks import image_replaced  # the task module imports this one

    enqueue(image_replaced, managed.model._meta.label, managed.field_name, current, previous, using=using)


class TransientImageError(Exception):
    """Storage failed in a way that may pass (a full disk, an object store away): worth retrying."""


def _is_transient(error: Exception) -> bool:
    # An unreadable or vanished original stays so however often it is tried.
    return isinstance(error, OSError) and not isinstance(error, UnidentifiedImageError | FileNotFoundError)


def registered(model: type[models.Model], field_name: str) -> ManagedImage:
    """The field as ``manage_image_field`` registered it (a task knows only the model's label and the name)."""
    for managed in MANAGED_IMAGES:
        if managed.model is model and managed.field_name == field_name:
            return managed
    return ManagedImage(model, field_name)


def image_replaced(managed: ManagedImage, current: str, previous: str) -> None:
    """Make ``current``'s renditions (and crops) and delete ``previous``'s if no row uses it any more.

    The crops are made around the focal point the row has when this runs, not when it was queued: of two
    quick moves of the point, whichever task runs last leaves the crops of the last point.

    Runs after the save has committed: a failure here must not turn the editor's successful save
    into an error page. A lasting one is logged, and make_renditions makes whatever is missing;
    a transient one raises ``TransientImageError`` for the task to retry.
    """
    storage: Storage = managed.field.storage
    if current:
        try:
            written = ensure_renditions(storage, current)
            focus = managed.focal_point(current)
            if focus is not None:
                written += ensure_crops(storage, current, focus)
        except Exception as error:
            message = f"Could not make the renditions of {current}; run `manage.py make_renditions`."
            if _is_transient(error):
                raise TransientImageError(message) from error
            logger.exception(message)
        else:
            # In-process, the renditions are made as the save commits, before any page shows the image.
            if written and not settings.CELERY_TASK_ALWAYS_EAGER:
                renditions_made.send(sender=managed.model, field_name=managed.field_name, name=current)
    if previous and not managed.model._default_manager.filter(**{managed.field_name: previous}).exists():
        try:
            delete_renditions(storage, previous)
        except Exception as error:
            message = f"Could not delete the renditions of {previous}, which is no longer used."
            if _is_transient(error):
                raise TransientImageError(message) from error
            logger.exception(message)


def log_failure(error: TransientImageError) -> None:
    """A transient failure that retries did not cure (or that had no worker to retry it)."""
    logger.error("%s", error, exc_info=error.__cause__)
