"""Queueing background work: after the commit, to the broker, or in-process with none.

``enqueue(task, *args)`` sends the task once the current transaction commits, so a worker never
looks for a row that is not there yet, and a rolled-back save queues nothing. With no broker
(``CELERY_BROKER_URL`` unset: Celery runs tasks eagerly) the task runs right there, in the process
that committed, as the work did before it moved off the request.

Tasks that touch storage or the network share one rule for failures (``retry_or_log``): transient
ones are retried with exponential backoff by a worker; in-process there is nobody to wait for, so
the failure is logged at once with what to run to catch up.
"""

import logging
from collections.abc import Callable

from celery import Task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

LONGEST_RETRY_SECONDS = 600


def enqueue(task: Task, *args, using: str | None = None) -> None:
    """Send ``task(*args)`` once the transaction on ``using`` commits (at once outside one)."""
    transaction.on_commit(lambda: send(task, *args), using=using)


def send(task: Task, *args) -> None:
    """Send ``task(*args)`` now. A broker that cannot be reached is logged, never raised: the caller's
    work has committed, and every task here can be caught up on by a management command."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not queue %s%r; is the broker (CELERY_BROKER_URL) reachable?", task.name, args)


def backoff(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: TASK_RETRY_SECONDS (10), 20, 40… at most 10 minutes."""
    return min(settings.TASK_RETRY_SECONDS * 2**retries, LONGEST_RETRY_SECONDS)


def retry_or_log(task: Task, error: Exception, give_up: Callable[[], None]) -> None:
    """Retry ``task`` later with backoff if a worker runs it and retries remain, else call ``give_up``."""
    request = task.request
    if not request.is_eager and request.retries < task.max_retries:
        raise task.retry(exc=error, countdown=backoff(request.retries))
    give_up()
