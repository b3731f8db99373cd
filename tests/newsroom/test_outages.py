"""PostgreSQL away: readers get the 503 page, an editor's text comes back to them, and all recovers by itself.

The first tests simulate the outage in-process (every query fails as it does while
PostgreSQL is stopped), on any database. The last one stops and starts a real
PostgreSQL server of its own under gunicorn (``bench/outage.py``, shorter).
"""

import importlib
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory
from psycopg import errors
from psycopg_pool import PoolTimeout

from articles.models import Article
from common.outages import database_unreachable
from newsroom.outages import service_unavailable
from tests.helpers.forms import change_form_data
from tests.helpers.settings_process import settings_json

PROJECT = Path(__file__).resolve().parents[2]
REFUSED = 'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'


def as_django_raises(cause: Exception) -> OperationalError:
    """The driver's error wrapped as Django wraps it (``DatabaseErrorWrapper``)."""
    try:
        raise OperationalError(*cause.args) from cause
    except OperationalError as error:
        return error


@contextmanager
def database_down(error: Exception | None = None):
    """Every query fails, as it does while PostgreSQL is stopped: Django's OperationalError from psycopg's."""
    attempts = []

    def refuse(execute, sql, params, many, context):
        attempts.append(sql)
        raise as_django_raises(error or psycopg.OperationalError(REFUSED))

    with connection.execute_wrapper(refuse):
        yield attempts


# --- What counts as an outage ---------------------------------------------------------


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.OperationalError(REFUSED),
        psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"),
        PoolTimeout("couldn't get a connection after 1.00 sec"),
        errors.AdminShutdown("terminating connection due to administrator command"),
        errors.CannotConnectNow("the database system is starting up"),
        errors.CrashShutdown("terminating connection because of crash of another server process"),
        errors.ConnectionFailure("connection failure"),
        errors.TooManyConnections("sorry, too many clients already"),
    ],
    ids=lambda cause: type(cause).__name__,
)
def test_errors_that_mean_postgresql_cannot_be_reached_are_outages(cause):
    assert database_unreachable(as_django_raises(cause))


@pytest.mark.parametrize(
    "error",
    [
        as_django_raises(errors.LockNotAvailable("could not obtain lock on row")),
        as_django_raises(errors.QueryCanceled("canceling statement due to statement timeout")),
        as_django_raises(errors.DeadlockDetected("deadlock detected")),
        as_django_raises(errors.SerializationFailure("could not serialize access")),
        as_django_raises(sqlite3.OperationalError("database is locked")),
        InterfaceError("the cursor is closed"),
        OperationalError("no cause: not from a driver"),
        RuntimeError("a bug"),
        None,
    ],
    ids=repr,
)
def test_errors_of_one_query_or_of_our_code_are_not_outages(error):
    assert not database_unreachable(error)


# --- Readers ---------------------------------------------------------------------------------


READER_PATHS = ["/", "/world/", "/authors/", "/search/?q=kyiv", "/archive/", "/feeds/rss/", "/sitemap.xml"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", READER_PATHS)
def test_readers_get_the_friendly_503_page_with_retry_after_never_cached(story, path, server_log):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get(path)
    assert response.status_code == 503
    html = response.content.decode()
    assert "We’ll be back in a moment" in html
    assert "/static/css/site.css" in html
    assert "Nothing was saved" not in html and "<textarea" not in html  # a reader posted nothing
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert response.has_header("Content-Security-Policy")
    # The page was not kept: once the database is back, the page itself is served.
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_a_story_page_served_from_the_page_cache_stays_up(story):
    client = Client(raise_request_exception=False)
    assert client.get(story.get_absolute_url()).status_code == 200
    with database_down():
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200 and response["X-Cache"] == "HIT"


@pytest.mark.django_db
def test_a_cached_page_is_not_served_past_a_scheduled_story_going_live(story, time_machine):
    """The last content generation a process knew is served during an outage, but never past its next change."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ArticleFactory

    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(title="Goes live soon", section=story.section, published_at=timezone.now() + timedelta(minutes=5))
    client = Client(raise_request_exception=False)
    assert client.get("/").status_code == 200
    with database_down():
        assert client.get("/")["X-Cache"] == "HIT"
        time_machine.shift(timedelta(minutes=5, seconds=1))
        assert client.get("/").status_code == 503  # the cached front page lacks the story now live


@pytest.mark.django_db
def test_an_outage_is_one_warning_line_per_request_not_a_traceback(story, server_log):
    client = Client(raise_request_exception=False)
    with database_down():
        client.get("/world/")
    assert [(record.name, record.levelname, record.getMessage()) for record in server_log] == [
        ("newsroom.outages", "WARNING", f"Database unreachable, answered 503 to GET /world/: {REFUSED}")
    ]
    assert not server_log[0].exc_info


@pytest.mark.django_db
def test_the_503_page_asks_nothing_of_the_database(django_assert_num_queries):
    request = RequestFactory().post("/admin/articles/article/1/change/", {"title": "Kept"})
    with django_assert_num_queries(0):
        response = service_unavailable(request)
    assert response.status_code == 503 and "Kept" in response.content.decode()


@pytest.mark.django_db
def test_an_error_of_one_query_stays_a_500_with_its_traceback_logged(story, server_log):
    client = Client(raise_request_exception=False)
    with database_down(errors.LockNotAvailable("could not obtain lock on row in relation")):
        response = client.get("/world/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    (logged,) = [record for record in server_log if record.levelno >= logging.ERROR]
    assert logged.exc_info and "could not obtain lock" in str(logged.exc_info[1])


@pytest.mark.django_db
def test_healthz_answers_503_during_an_outage_with_one_warning_line(server_log):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "failing"
    assert not [record for record in server_log if record.exc_info]
    assert [record.getMessage() for record in server_log if record.name == "operations.health"] == [
        f"Health check 'database' failed: {REFUSED}"
    ]
    assert client.get("/healthz").status_code == 200


# --- An editor saving ----------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-not-used")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_during_an_outage_gives_their_text_back_to_copy(editor, story, server_log):
    typed = {
        "title": "Rutte visits Kyiv <em>again</em>",
        "standfirst": "The NATO chief & his “promise”.",
        "body": "First paragraph.\n\n<script>alert('typed, not run')</script>\n\nLast paragraph.",
    }
    change = f"/admin/articles/article/{story.pk}/change/"
    data = change_form_data(story, **typed, password="not-echoed", csrfmiddlewaretoken="token-not-echoed", _save="Save")
    with database_down():
        response = editor.post(change, data)
    assert response.status_code == 503
    assert response["Retry-After"] == "10" and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Nothing was saved; copy your text" in html
    labels = re.findall(r'<label for="posted-\d+">([^<]+)</label>', html)
    assert {"title", "standfirst", "body"} <= set(labels)
    assert "Rutte visits Kyiv &lt;em&gt;again&lt;/em&gt;</textarea>" in html
    assert "The NATO chief &amp; his “promise”.</textarea>" in html
    assert "&lt;script&gt;alert(&#x27;typed, not run&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert html.count("readonly>") == html.count("<textarea")
    assert 'src="/static/js/copy-text.js"' in html and "data-copy=" in html
    # Only what was typed: no token, no password, no formset bookkeeping, no button.
    for hidden in ("csrfmiddlewaretoken", "token-not-echoed", "not-echoed", "password", "TOTAL_FORMS", "_save"):
        assert hidden not in labels and hidden not in html
    assert [record.levelname for record in server_log] == ["WARNING"]

    # Nothing was saved, and once the database is back the same form saves.
    assert Article.objects.get(pk=story.pk).title == "Rutte visits Kyiv"
    assert editor.post(change, data).status_code == 302
    assert Article.objects.get(pk=story.pk).title == typed["title"]


@pytest.mark.django_db
def test_the_copy_buttons_script_is_a_static_file_the_page_links(editor, story):
    script = PROJECT / "static" / "js" / "copy-text.js"
    assert "navigator.clipboard" in script.read_text()
    with database_down():
        html = editor.post(f"/admin/articles/article/{story.pk}/change/", {"body": "Text"}).content.decode()
    assert "<script>" not in html and "onclick" not in html  # nothing inline


# --- Settings that make recovery quick ------------------------------------------------------


def database_settings(**env: str) -> dict:
    return settings_json("settings.DATABASES['default']", **env)


def test_connections_kept_between_requests_are_checked_before_use():
    assert database_settings(DATABASE_URL="postgres://db.example/news", CONN_MAX_AGE="60")["CONN_HEALTH_CHECKS"]


def test_the_pool_checks_connections_and_neither_waits_nor_backs_off_for_long():
    database = database_settings(DATABASE_URL="postgres://db.example/news", DATABASE_POOL_SIZE="4")
    assert database["CONN_HEALTH_CHECKS"]  # Django then passes check=ConnectionPool.check_connection
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 1, "reconnect_timeout": 1}
    assert database["OPTIONS"]["connect_timeout"] == 2


def test_a_connect_timeout_in_the_database_url_wins():
    database = database_settings(DATABASE_URL="postgres://db.example/news?connect_timeout=10")
    assert database["OPTIONS"]["connect_timeout"] == 10


# --- A real PostgreSQL, stopped and started under gunicorn --------------------------------------


@pytest.fixture(scope="module")
def scenario():
    """bench/outage.py, whose scenario these tests run; skipped without PostgreSQL's initdb and pg_ctl."""
    sys.path.insert(0, str(PROJECT / "bench"))
    scenario = importlib.import_module("outage")
    if scenario.postgres_bin() is None:
        message = "PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get install postgresql)."
        if os.environ.get("REQUIRE_POSTGRES_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)
    return scenario


@pytest.mark.slow
def test_postgresql_stopped_and_started_under_readers_and_an_editor(scenario):
    """With the pool, as the README's recipe runs: each reader, the probe and the editor, phase by phase."""
    cluster = scenario.Cluster()
    server = None
    try:
        cluster.start()
        newsroom = scenario.prepare_newsroom(cluster)
        server = newsroom.serve(pool=2, conn_max_age=0)
        timeline = scenario.run_outage(newsroom, server, cluster, before=2, outage=6, settle=2, limit=30)
    finally:
        if server is not None:
            scenario.stop_server(server)
        cluster.remove()
    print("\n".join(timeline.per_second()))
    print(f"recovered {timeline.recovery_seconds():.2f}s after PostgreSQL accepted connections again")

    before, outage, after = (timeline.in_phase(phase) for phase in ("before", "outage", "after"))
    assert before and all(answer.ok for answer in before)
    assert any(answer.what == "save" and answer.status == 302 for answer in before)
    assert timeline.unexpected() == []  # a success or the friendly 503 page, never a 500

    assert any(answer.who == "reader" and answer.status == 503 for answer in outage)
    assert any(answer.who == "probe" and answer.status == 503 for answer in outage)
    failed_saves = [answer for answer in outage if answer.what == "save"]
    assert failed_saves and all(answer.status == 503 and answer.text_kept for answer in failed_saves)

    # Back by itself: everyone succeeded for two seconds, the editor's save included, within the limit.
    assert timeline.settled(2), "\n".join(timeline.per_second())
    assert any(answer.what == "save" and answer.status == 302 for answer in after)
    assert any(answer.who == "probe" and answer.status == 200 for answer in after)
    logged = server.errors()
    assert "Traceback" not in logged and "Internal Server Error" not in logged, logged


@pytest.mark.slow
def test_the_outage_benchmark_runs_as_the_readme_shows_with_persistent_connections(scenario):
    """The README's second command, shorter: it exits non-zero on a 500, a lost text or no recovery."""
    readme = (PROJECT / "README.md").read_text()
    command = ".venv/bin/python bench/outage.py --pool 0 --conn-max-age 60"
    assert command in readme
    result = subprocess.run(
        [*command.split(), "--before", "2", "--outage", "4", "--settle", "2", "--limit", "30"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unexpected answers (neither a success nor the outage page): 0" in result.stdout
    assert re.search(r"editor's saves during the outage: ([1-9]\d*), text back on the page in \1\n", result.stdout)
    assert re.search(r"server log: \d+ lines, 0 tracebacks", result.stdout)
