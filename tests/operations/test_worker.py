"""A real Celery worker process against a redis-server of its own: the background work as production runs it.

The rest of the suite runs tasks in-process (no broker: the eager default). Here the tasks go
through Redis to ``celery -A newsroom worker`` processes, which must make an image's renditions,
finish a task whose worker was killed in the middle of it (late acknowledgement: the task is
redelivered after the visibility timeout), and retry a task that fails twice.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery
from PIL import Image

from images import renditions
from tests.helpers.paths import PROJECT
from tests.helpers.servers import start_redis

pytestmark = pytest.mark.slow

VISIBILITY_TIMEOUT = 2  # seconds; production's default is an hour


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    started = start_redis()
    if started is None:
        message = "No redis-server: install it (apt-get install redis-server) to test the Celery worker."
        if os.environ.get("REQUIRE_BROWSER"):  # CI: every integration test must run
            pytest.fail(message)
        pytest.skip(message)
    server, url = started
    try:
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A migrated SQLite database the workers share (tasks may look at rows, as in production)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('worker') / 'worker.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=PROJECT, env=env, check=True)
    return url


@pytest.fixture
def worker(broker: str, database: str, tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen]]:
    """Start named workers (``--pool solo``: the task runs in the process we kill), each stopped after the test."""
    started: list[subprocess.Popen] = []
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}},
        "CELERY_BROKER_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "TASK_RETRY_SECONDS": "1",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }

    def start(name: str) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--pool", "solo", "--loglevel", "INFO"),
                *("--include", "tests.operations.worker_tasks", "--hostname", f"{name}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=PROJECT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
        )
        started.append(process)
        wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, 30, f"{name} to start")
        assert process.poll() is None, log.read_text()
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


@pytest.fixture
def client(broker: str) -> Iterator[Celery]:
    """What a web process does with a broker configured: send tasks by name."""
    app = Celery("test-client", broker=broker, set_as_current=False)
    yield app
    app.close()


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {seconds} s for {what}")
        time.sleep(0.1)


def test_a_worker_makes_an_images_renditions(worker, client, tmp_path):
    original = tmp_path / "media" / "stories" / "big.jpg"
    original.parent.mkdir(parents=True)
    Image.new("RGB", (2000, 1000), (200, 30, 30)).save(original)
    worker("renditions")
    log = tmp_path / "renditions.log"

    client.send_task("images.tasks.image_replaced", args=["articles.Article", "social_image", "stories/big.jpg", ""])

    folder = tmp_path / "media" / renditions.folder("stories/big.jpg")
    expected = {f"{w}w.{ext}" for w, _ in renditions.sizes(2000, 1000) for ext in renditions.FORMATS}
    wait_for(lambda: folder.exists() and {p.name for p in folder.iterdir()} >= expected, 30, "the renditions")
    with Image.open(folder / "640w.jpg") as rendition:
        assert rendition.size == (640, 320)
    # To its end: a visible story's pages would be refreshed (no row uses this image here).
    wait_for(lambda: "succeeded" in log.read_text() or "raised" in log.read_text(), 10, "the task's end")
    assert "succeeded" in log.read_text(), log.read_text()


def test_a_task_whose_worker_is_killed_is_redelivered_and_finished_by_another(worker, client, tmp_path):
    record = tmp_path / "slow"
    record.mkdir()
    first = worker("first")
    client.send_task("tests.slow_task", args=[str(record), 3])
    wait_for(lambda: (record / "started-0").exists(), 20, "the task to start")

    os.killpg(first.pid, signal.SIGKILL)  # no chance to acknowledge, requeue or clean up
    first.wait(5)
    assert not (record / "finished").exists()
    # Kombu gives unacknowledged tasks older than the visibility timeout back to the queue when a worker
    # starts, and every 100 s while it runs: a worker starting after the timeout takes it at once.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    worker("second")

    wait_for(lambda: (record / "finished").exists(), 20, "the redelivered task to finish")
    assert sorted(p.name for p in record.glob("started-*")) == ["started-0", "started-1"]


def test_a_task_failing_twice_with_a_transient_error_is_retried_and_succeeds(worker, client, tmp_path):
    record = tmp_path / "flaky"
    record.mkdir()
    worker("retrying")

    client.send_task("tests.flaky_task", args=[str(record)])

    # Retried after 1 s, then 2 s (TASK_RETRY_SECONDS=1, doubling).
    wait_for(lambda: (record / "succeeded").exists(), 30, "the third attempt")
    assert sorted(p.name for p in record.glob("attempt-*")) == ["attempt-0", "attempt-1", "attempt-2"]
