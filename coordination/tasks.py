"""Deadline reminders on beat's schedule (every minute); idempotent, see ``assignments.send_reminders``."""

from celery import shared_task

from .assignments import send_reminders as _send_reminders


@shared_task
def send_reminders() -> None:
    _send_reminders()
