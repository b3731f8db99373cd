"""Read replicas: which database each request reads from, and what happens when a replica is away.

These tests add a ``replica1`` alias that mirrors the test database (as ``TEST: {"MIRROR":
"default"}`` does) through a connection of its own, so queries can be counted per alias. The data
must be committed for that second connection to see it: hence ``transaction=True``. The slow test
at the end runs a real streaming replica (``pg_basebackup -R``) under gunicorn.
"""

import importlib
import json
import os
import shutil
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import Client

from newsroom import replicas
from pagecache.generation import current_generation
from tests.factories import ArticleFactory, SectionFactory, staff_user
from tests.helpers.settings_process import settings_json

PROJECT = Path(__file__).resolve().parents[2]
REFUSED = 'connection failed: connection to server at "127.0.0.1", port 5433 failed: Connection refused'


def unreachable() -> OperationalError:
    """Django's error for a refused connection, as the driver's error wrapped (``DatabaseErrorWrapper``)."""
    try:
        raise OperationalError(REFUSED) from psycopg.OperationalError(REFUSED)
    except OperationalError as error:
        return error


@pytest.fixture
def replica(settings, transactional_db):
    """``replica1``: a second connection to the test database, with the router and middleware on."""
    connections.settings["replica1"] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]
    settings.PAGE_CACHE_SECONDS = 0  # every page rendered, so its queries are seen
    replicas._unhealthy_until.clear()
    replicas._warned_at.clear()
    current_generation()  # the page cache's row exists: a reader's page writes nothing
    # Connected here: the test case refuses to open connections to aliases it was not told of,
    # and this one is added after it started.
    connections["replica1"].connect()
    yield connections["replica1"]
    connections["replica1"].close()
    del connections["replica1"]
    del connections.settings["replica1"]


class Queries:
    """Counts the queries each alias ran (or tried to) while the block ran."""

    def __enter__(self):
        self.ran = {"default": [], "replica1": []}
        self.wrappers = [connections[alias].execute_wrapper(self._counter(alias)) for alias in self.ran]
        for wrapper in self.wrappers:
            wrapper.__enter__()
        return self

    def _counter(self, alias):
        def count(execute, sql, params, many, context):
            self.ran[alias].append(sql)
            return execute(sql, params, many, context)

        return count

    def __exit__(self, *exc):
        for wrapper in reversed(self.wrappers):
            wrapper.__exit__(*exc)

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.ran["default"]), len(self.ran["replica1"])


@pytest.fixture
def world_story(replica):
    world = SectionFactory(name="World", slug="world")
    return ArticleFactory(title="Rutte visits Kyiv", section=world)


@pytest.mark.parametrize("path", ["/", "/world/", "/feeds/rss/", "/sitemap.xml", "/search/?q=kyiv"])
def test_a_readers_pages_read_only_from_the_replica(world_story, path):
    with Queries() as queries:
        response = Client().get(path)
    assert response.status_code == 200
    primary, replica = queries.counts
    assert primary == 0 and replica > 0
    assert replicas.WROTE_COOKIE not in response.cookies


def test_a_story_page_reads_from_the_replica(world_story):
    with Queries() as queries:
        assert Client().get(world_story.get_absolute_url()).status_code == 200
    assert queries.counts[0] == 0


def test_the_admin_and_staff_read_from_the_primary(world_story):
    client = Client()
    with Queries() as queries:
        assert client.get("/admin/login/").status_code == 200
    assert queries.counts[1] == 0
    client.force_login(staff_user("editor", "Editor"))
    with Queries() as queries:
        assert client.get("/admin/").status_code == 200
        assert client.get("/world/").status_code == 200  # a reader page, for someone with a session
    primary, replica = queries.counts
    assert primary > 0 and replica == 0


def test_a_post_writes_to_the_primary_and_its_sender_keeps_reading_from_it(world_story, settings):
    settings.REPLICA_STICKY_SECONDS = 5
    client = Client()
    with Queries() as queries:
        client.post("/admin/login/", {"username": "nobody", "password": "wrong"})  # django-axes records it
    assert queries.counts[1] == 0
    cookie = client.cookies[replicas.WROTE_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    with Queries() as queries:
        assert client.get("/world/").status_code == 200  # within the few seconds: the primary
    primary, replica = queries.counts
    assert primary > 0 and replica == 0
    del client.cookies[replicas.WROTE_COOKIE]  # the cookie expired
    with Queries() as queries:
        assert client.get("/world/").status_code == 200
    assert queries.counts[0] == 0


def test_after_a_write_the_same_request_reads_from_the_primary(replica):
    router = replicas.ReplicaRouter()
    token = replicas._reading.set(replicas.Reading("replica1"))
    try:
        assert router.db_for_read(None) == "replica1"
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"
    finally:
        replicas._reading.reset(token)
    assert router.db_for_read(None) == "default"  # outside a request: the primary


@pytest.mark.parametrize(("method", "sticks"), [("post", True), ("get", False)])
def test_only_a_request_sent_to_change_something_makes_its_sender_stick_to_the_primary(replica, method, sticks):
    """A reader's GET may write (the page cache moving on at a go-live): the reader changed nothing."""
    from django.test import RequestFactory

    def view(request):
        replicas.ReplicaRouter().db_for_write(None)
        return HttpResponse("ok")

    response = replicas.ReplicaMiddleware(view)(getattr(RequestFactory(), method)("/world/"))
    assert (replicas.WROTE_COOKIE in response.cookies) is sticks


def test_inside_a_transaction_of_the_primary_reads_stay_on_it(replica):
    from django.db import transaction

    token = replicas._reading.set(replicas.Reading("replica1"))
    try:
        with transaction.atomic():
            assert replicas.reading_from() == "default"
        assert replicas.reading_from() == "replica1"
    finally:
        replicas._reading.reset(token)


# --- Replicas that lag behind an editor's answer ---------------------------------------------------


@pytest.fixture
def no_position_noted():
    from django.core.cache import cache

    cache.delete(replicas.PRIMARY_POSITION_KEY)
    yield
    cache.delete(replicas.PRIMARY_POSITION_KEY)


def test_a_reader_after_an_editors_answer_skips_a_replica_that_has_not_replayed_it(
    world_story, monkeypatch, no_position_noted
):
    from django.core.cache import cache

    cache.set(replicas.PRIMARY_POSITION_KEY, "0/5000000")
    asked = []
    monkeypatch.setattr(replicas, "has_replayed", lambda connection, position: asked.append(position) or False)
    with Queries() as queries:
        assert Client().get("/world/").status_code == 200
    assert asked == ["0/5000000"]
    primary, replica = queries.counts
    assert primary > 0 and replica == 0  # the replica is behind: the primary, this time, without a warning
    monkeypatch.setattr(replicas, "has_replayed", lambda connection, position: True)
    with Queries() as queries:
        assert Client().get("/world/").status_code == 200
    assert queries.counts[0] == 0  # caught up: the replica again


def test_with_nothing_noted_readers_do_not_wait(world_story, monkeypatch, no_position_noted):
    monkeypatch.setattr(replicas, "has_replayed", lambda connection, position: pytest.fail("nothing to wait for"))
    with Queries() as queries:
        assert Client().get("/world/").status_code == 200
    assert queries.counts[0] == 0


def test_log_positions_compare_as_postgresql_orders_them():
    assert replicas.log_position("16/B374D848") > replicas.log_position("16/B374D847")
    assert replicas.log_position("17/0") > replicas.log_position("16/FFFFFFFF")
    assert replicas.log_position("0/0") == 0


@pytest.mark.skipif(connections["default"].vendor != "postgresql", reason="log positions are PostgreSQL's")
def test_a_request_that_wrote_notes_the_primarys_position_and_never_moves_it_back(world_story, no_position_noted):
    from django.core.cache import cache

    client = Client()
    client.post("/admin/login/", {"username": "nobody", "password": "wrong"})  # django-axes writes
    first = cache.get(replicas.PRIMARY_POSITION_KEY)
    assert first and replicas.log_position(first) > 0
    cache.set(replicas.PRIMARY_POSITION_KEY, "FFFF/0")  # as if another server noted a later one meanwhile
    client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert cache.get(replicas.PRIMARY_POSITION_KEY) == "FFFF/0"
    # The tests' mirror is a primary, not in recovery: it has everything.
    assert replicas.has_replayed(connections["replica1"], first)


def test_without_replicas_the_middleware_steps_aside(settings):
    settings.DATABASE_REPLICAS = []
    with pytest.raises(MiddlewareNotUsed):
        replicas.ReplicaMiddleware(lambda request: None)


def test_without_replicas_nothing_is_routed():
    from django.db import router

    assert router.routers == []


# --- A replica away ------------------------------------------------------------------------------


def test_an_unreachable_replica_falls_back_to_the_primary_with_one_warning(world_story, monkeypatch, server_log):
    attempts = []

    def refuse():
        attempts.append(1)
        raise unreachable()

    monkeypatch.setattr(connections["replica1"], "ensure_connection", refuse)
    for _ in range(2):
        with Queries() as queries:
            assert Client().get("/world/").status_code == 200
        assert queries.counts[0] > 0
    assert attempts == [1]  # left alone after the first failure
    warnings = [record.getMessage() for record in server_log if record.name == "newsroom.replicas"]
    assert warnings == [f"Read replica replica1 unreachable, readers use the primary: {REFUSED}"]

    # A few seconds later it is tried again; still away, but the warning is not repeated within a minute.
    replicas._unhealthy_until["replica1"] = 0
    assert Client().get("/world/").status_code == 200
    assert attempts == [1, 1]
    assert len([record for record in server_log if record.name == "newsroom.replicas"]) == 1


def test_a_replica_lost_mid_request_is_answered_again_from_the_primary(world_story, server_log, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    real_execute = CursorWrapper._execute

    def execute(cursor, sql, params, *ignored):
        if cursor.db.alias == "replica1":  # its server went away after the connection was made
            raise unreachable()
        return real_execute(cursor, sql, params, *ignored)

    monkeypatch.setattr(CursorWrapper, "_execute", execute)
    with Queries() as queries:
        response = Client(raise_request_exception=False).get("/world/")
    assert response.status_code == 200 and "Rutte visits Kyiv" in response.content.decode()
    assert queries.counts[0] > 0
    assert any(record.name == "newsroom.replicas" for record in server_log)


def test_healthz_reports_replicas_and_stays_up_without_them(replica, monkeypatch):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["replicas"] == {"replica1": "ok"}

    def refuse():
        raise unreachable()

    monkeypatch.setattr(connections["replica1"], "ensure_connection", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded" and body["database"] == "ok" and body["replicas"] == {"replica1": "failing"}


# --- Settings ------------------------------------------------------------------------------------


def replica_settings(**env: str) -> dict:
    return settings_json(
        "{'databases': settings.DATABASES, 'replicas': settings.DATABASE_REPLICAS, "
        "'routers': settings.DATABASE_ROUTERS, 'middleware': settings.MIDDLEWARE}",
        **env,
    )


def test_each_replica_url_becomes_an_alias_configured_like_the_primary():
    found = replica_settings(
        DATABASE_URL="postgres://db.example/news",
        DATABASE_REPLICA_URLS="postgres://replica-a.example/news, postgres://replica-b.example/news",
        DATABASE_POOL_SIZE="4",
    )
    databases = found["databases"]
    assert found["replicas"] == ["replica1", "replica2"]
    assert found["routers"] == ["newsroom.replicas.ReplicaRouter"]
    assert databases["replica1"]["HOST"] == "replica-a.example" and databases["replica2"]["HOST"] == "replica-b.example"
    for alias in found["replicas"]:
        assert databases[alias]["TEST"]["MIRROR"] == "default"
        assert databases[alias]["OPTIONS"] == databases["default"]["OPTIONS"]  # pool, connect timeout
    middleware = found["middleware"]
    assert middleware.index("newsroom.replicas.ReplicaMiddleware") < middleware.index(
        "pagecache.middleware.PageCacheMiddleware"
    )


def test_no_replica_urls_no_replicas():
    found = replica_settings(DATABASE_URL="postgres://db.example/news")
    assert found["replicas"] == [] and found["routers"] == [] and list(found["databases"]) == ["default"]


# --- A real streaming replica ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_real_streaming_replica_serves_readers_and_its_loss_falls_back_to_the_primary():
    """bench/replica.py: pg_basebackup -R, replay paused then resumed, the replica stopped, under gunicorn."""
    sys.path.insert(0, str(PROJECT / "bench"))
    outage = importlib.import_module("outage")
    if outage.postgres_bin() is None or shutil.which("pg_basebackup", path=str(outage.postgres_bin())) is None:
        message = (
            "PostgreSQL's initdb, pg_ctl and pg_basebackup are not installed (Debian: apt-get install postgresql)."
        )
        if os.environ.get("REQUIRE_POSTGRES_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)
    scenario = importlib.import_module("replica")
    findings = scenario.run()
    assert findings.problems() == [], findings.server_log
    # What the problems stand for, spelled out.
    # Readers read from the replica: a change it has not replayed (made outside any request) is not theirs.
    assert findings.readers_on_replica and findings.editor_saw_outside_change
    # Behind the editor's own change, the replica is skipped: everyone sees it at once.
    assert findings.editor_saw_at_once and findings.reader_saw_while_paused
    # Caught up, the replica serves readers again.
    assert findings.caught_up_seconds is not None and findings.readers_back_on_replica
    assert set(findings.while_replica_down) == {200} and findings.reader_saw_line_while_down
