"""Two app servers behind a load balancer, one database, and never a stale page: with Redis, and without.

Without ``REDIS_URL`` each process keeps its own pages, but all read the content
generation from the database, so a publish through one shows on the next request
to the other (issue 10, item 6).
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers.servers import free_port, start_redis
from tests.helpers.two_factor import demo_code

# Two app servers (and a Redis) of their own: seconds each.
pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
HEADLINE = "Two servers agree at once"


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server of our own, else the one on 6379; skipped (or failed in CI) when neither."""
    started = start_redis()
    if started:
        server, url = started
        try:
            yield url
        finally:
            server.terminate()
            server.wait(10)
        return
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 6379)) == 0:
            yield "redis://127.0.0.1:6379/0"
            return
    message = "No Redis: install redis-server or run one on 127.0.0.1:6379 to test shared caching."
    if os.environ.get("REQUIRE_BROWSER"):  # CI: every integration test must run
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def serving_twice(folder: Path, **extra_env: str):
    """Two gunicorn instances (one worker each) on one SQLite database, with a story in review."""
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{folder / 'shared.sqlite3'}",
        "DEBUG": "1",
        "CACHE_KEY_PREFIX": f"test-{os.getpid()}-{time.time_ns()}",
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    manage = [sys.executable, str(PROJECT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=PROJECT, check=True)
    subprocess.run([*manage, "load_demo", "--accounts", "-v0"], env=env, cwd=PROJECT, check=True)
    subprocess.run(
        [*manage, "shell", "-c",
         "from articles.models import Article, Section;"
         f"Article.objects.create(title={HEADLINE!r}, body='Text.', section=Section.objects.get(slug='world'),"
         "status='in_review')"],
        env=env, cwd=PROJECT, check=True,
    )  # fmt: skip
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                # No control socket: gunicorn's default is one file shared by every instance.
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "newsroom.wsgi",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--no-control-socket",
                ],
                env=env,
                cwd=PROJECT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_for(url + "/")
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


@pytest.fixture(scope="module")
def two_servers(redis_url, tmp_path_factory):
    with serving_twice(tmp_path_factory.mktemp("two-servers"), REDIS_URL=redis_url) as urls:
        yield urls


@pytest.fixture(scope="module")
def two_servers_without_redis(tmp_path_factory):
    """The default deployment: no REDIS_URL, so each process caches pages in its own memory."""
    with serving_twice(tmp_path_factory.mktemp("two-servers-locmem")) as urls:
        yield urls


def fetch(url: str, opener=None) -> tuple[str, str]:
    with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
        return response.read().decode(), response.headers.get("X-Cache", "")


def editor_session(base: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page, _ = fetch(f"{base}/admin/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": "editor", "password": "editor-demo-password", "next": "/admin/"}
    with opener.open(f"{base}/admin/login/", urllib.parse.urlencode(form).encode(), timeout=10) as response:
        page, address = response.read().decode(), response.geturl()
    if 'name="code"' in page:  # editors sign in with a code from their app too
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "code": demo_code()}
        opener.open(address, urllib.parse.urlencode(form).encode(), timeout=10).close()
    return opener


def publish_through(server: str) -> None:
    """The editor publishes the story in review, through the admin of ``server``."""
    editor = editor_session(server)
    queue, _ = fetch(f"{server}/admin/articles/storyinreview/", editor)
    story_id = re.search(r"/admin/articles/article/(\d+)/change/\">" + re.escape(HEADLINE), queue).group(1)
    form_page, _ = fetch(f"{server}/admin/articles/article/{story_id}/workflow/publish/", editor)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
    editor.open(
        f"{server}/admin/articles/article/{story_id}/workflow/publish/",
        urllib.parse.urlencode({"csrfmiddlewaretoken": token, "note": ""}).encode(),
        timeout=10,
    )


def test_a_publish_through_one_server_shows_at_once_on_the_other(two_servers):
    server_a, server_b = two_servers
    fetch(f"{server_b}/world/")
    page, cache_state = fetch(f"{server_b}/world/")
    assert cache_state == "HIT" and HEADLINE not in page

    publish_through(server_a)

    page, cache_state = fetch(f"{server_b}/world/")
    assert HEADLINE in page and cache_state == "MISS"
    front, _ = fetch(f"{server_b}/")
    assert HEADLINE in front


@pytest.mark.slow
def test_without_redis_a_publish_through_one_process_shows_at_once_on_the_other(two_servers_without_redis):
    server_a, server_b = two_servers_without_redis
    for server in (server_a, server_b):  # both keep their own copy of the pages
        fetch(f"{server}/world/")
        page, cache_state = fetch(f"{server}/world/")
        assert cache_state == "HIT" and HEADLINE not in page
    health = json.loads(fetch(f"{server_b}/healthz")[0])
    assert health["cache"] == "ok" and health["pages"] == "per-process"

    publish_through(server_a)

    for server in (server_b, server_a):
        page, cache_state = fetch(f"{server}/world/")
        assert HEADLINE in page and cache_state == "MISS", server
        assert HEADLINE in fetch(f"{server}/")[0]
    assert fetch(f"{server_b}/world/")[1] == "HIT"
