"""Housekeeping run by ``celery -A newsroom beat`` (the schedule is ``CELERY_BEAT_SCHEDULE`` in settings).

Each is a management command that can also be run by hand or from cron where no beat runs, and
each is idempotent: running it twice, or after a redelivery, deletes nothing more.
"""

from celery import shared_task
from django.conf import settings
from django.core.management import call_command

from desk import autosaves


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions from the database (Django's ``clearsessions``)."""
    call_command("clearsessions")


@shared_task
def forget_old_login_records() -> None:
    """Delete django-axes' records of logins and failed logins older than ``LOGIN_RECORDS_DAYS``.

    Lockouts in force are kept: they are AccessAttempt rows, which expire with the cool-off on their own.
    """
    call_command("axes_reset_logs", age=settings.LOGIN_RECORDS_DAYS)
    call_command("axes_reset_failure_logs", age=settings.LOGIN_RECORDS_DAYS)


@shared_task
def forget_old_autosaves() -> None:
    """Delete writing-desk autosaves untouched for ``DESK_AUTOSAVE_DAYS`` (abandoned forms, never saved)."""
    autosaves.forget_old()


@shared_task
def forget_old_preview_links() -> None:
    """Delete preview links that ended over ``PREVIEW_LINK_RECORDS_DAYS`` ago, with who opened them from where."""
    call_command("forget_old_preview_links", verbosity=0)
