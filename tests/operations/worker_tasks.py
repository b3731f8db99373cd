"""Test-only tasks for tests/operations/test_worker.py, loaded by its workers with ``--include``.

Each keeps its own record in files under the folder it is given, so that the test (another process)
can see what every attempt did.
"""

import time
from pathlib import Path

from celery import shared_task

from common.background import retry_or_log


@shared_task(name="tests.slow_task")
def slow_task(folder: str, seconds: float) -> None:
    """Note each start, sleep (long enough to be killed in), then note that it finished."""
    record = Path(folder)
    attempt = len(list(record.glob("started-*")))
    (record / f"started-{attempt}").touch()
    time.sleep(seconds)
    (record / "finished").touch()


@shared_task(name="tests.flaky_task", bind=True, max_retries=3)
def flaky_task(self, folder: str) -> None:
    """Fail with a transient error on the first two attempts, succeed on the third."""
    record = Path(folder)
    attempt = len(list(record.glob("attempt-*")))
    (record / f"attempt-{attempt}").touch()
    if attempt < 2:
        retry_or_log(self, ConnectionError(f"attempt {attempt}: the service is away"), lambda: None)
        return
    (record / "succeeded").touch()
