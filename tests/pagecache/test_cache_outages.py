"""Redis away: readers still get every page, rendered uncached, and the log says so once a minute (issue 10, item 5).

With ``REDIS_URL`` pointing at a port nobody listens on, and with a real
redis-server of our own stopped in the middle of the run. ``/healthz`` still
reports the cache as failing, so monitoring notices.
"""

import json
import logging
import time

import pytest

from pagecache import store
from tests.factories import ArticleFactory
from tests.helpers.servers import free_port, start_redis

pytestmark = pytest.mark.django_db


def redis_cache(url: str) -> dict:
    """Redis at ``url``, with the timeouts newsroom/settings.py gives it."""
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "OPTIONS": options}}


@pytest.fixture
def dead_redis(settings):
    """``REDIS_URL`` at a port where nothing listens."""
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def real_redis(settings):
    """A redis-server of our own on a free port; yields a function that stops it."""
    started = start_redis()
    if not started:
        pytest.skip("redis-server is not installed")
    server, url = started
    settings.CACHES = redis_cache(url)

    def stop() -> None:
        server.terminate()
        server.wait(10)

    yield stop
    if server.poll() is None:
        stop()


def cache_warnings(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if r.name == "pagecache.store" and r.levelno == logging.WARNING]


def test_with_redis_at_a_dead_port_every_reader_page_is_served(client, story, dead_redis, server_log):
    for url in ("/", story.get_absolute_url(), "/world/", "/sitemap.xml", "/feeds/rss/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Rutte visits Kyiv" in client.get("/").content.decode()
    warnings = cache_warnings(server_log)
    assert len(warnings) == 1 and "serving pages uncached" in warnings[0]


def test_the_warning_comes_at_most_once_a_minute_even_when_every_request_tries(
    client, story, dead_redis, server_log, monkeypatch
):
    monkeypatch.setattr(store, "RETRY_AFTER_FAILURE_SECONDS", 0)  # try the cache on every request
    for _ in range(5):
        assert client.get("/").status_code == 200
    assert len(cache_warnings(server_log)) == 1
    monkeypatch.setattr(store._Health, "last_warning", time.monotonic() - 61)  # a minute later
    assert client.get("/").status_code == 200
    assert len(cache_warnings(server_log)) == 2


def test_healthz_still_reports_the_cache_as_failing(client, dead_redis):
    response = client.get("/healthz")
    # Degraded, not down: every page is still served, so a load balancer keeps the instance.
    assert response.status_code == 200
    assert json.loads(response.content) | {"pages": None} == {
        "status": "degraded",
        "database": "ok",
        "cache": "failing",
        "pages": None,
    }


def test_redis_stopped_mid_run_pages_keep_coming_and_come_back_cached(client, story, real_redis, server_log):
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    real_redis()  # redis-server stops
    for url in ("/", story.get_absolute_url(), "/world/"):
        response = client.get(url)
        assert response.status_code == 200 and "Rutte visits Kyiv" in response.content.decode(), url
    assert len(cache_warnings(server_log)) == 1
    assert json.loads(client.get("/healthz").content)["cache"] == "failing"


def test_a_change_while_redis_is_away_is_shown_at_once(client, world, story, dead_redis):
    assert client.get("/").status_code == 200
    ArticleFactory(title="Published while Redis was away", section=world)
    assert "Published while Redis was away" in client.get("/").content.decode()
