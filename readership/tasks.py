from celery import shared_task

from . import counting


@shared_task
def forget_old_reads() -> int:
    """Delete hourly counts older than ``READERSHIP_DAYS`` (beat runs it daily)."""
    return counting.forget_old()
