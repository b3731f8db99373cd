"""Background work on images: making and tidying renditions after a save (see ``lifecycle``)."""

from functools import partial

from celery import shared_task
from django.apps import apps

from common.background import retry_or_log

from . import lifecycle


@shared_task(max_retries=5)
def image_replaced(model_label: str, field_name: str, current: str, previous: str) -> None:
    """Make ``current``'s missing renditions; delete ``previous``'s if no row uses it any more.

    Idempotent: only missing renditions are made, and deleting absent ones does nothing, so a
    redelivered or retried task finishes the work without redoing it.
    """
    managed = lifecycle.registered(apps.get_model(model_label), field_name)
    try:
        lifecycle.image_replaced(managed, current, previous)
    except lifecycle.TransientImageError as error:
        retry_or_log(image_replaced, error, partial(lifecycle.log_failure, error))
