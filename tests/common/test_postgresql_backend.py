"""common.postgresql: once PostgreSQL is found unreachable, connecting fails at once for a second.

Runs on either suite: the server it connects to is a port nothing listens on.
"""

import time

import pytest
from django.db import OperationalError

from common.outages import database_unreachable
from common.postgresql import base
from tests.helpers.servers import free_port

# pytest-django lets connections be made only in tests that use a database.
pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable(monkeypatch):
    """A connection to a port where no PostgreSQL listens, with a clean record of failures."""
    monkeypatch.setattr(base.DatabaseWrapper, "unreachable_until", {})
    settings = {
        "ENGINE": "common.postgresql",
        "NAME": "newsroom",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    connection = base.DatabaseWrapper(settings, alias="unreachable")
    yield connection
    connection.close()


def connect_error(connection) -> OperationalError:
    with pytest.raises(OperationalError) as raised:
        connection.ensure_connection()
    return raised.value


def test_after_a_refused_connection_the_next_attempts_fail_at_once_as_outages(unreachable, monkeypatch):
    first = connect_error(unreachable)
    assert database_unreachable(first) and "refused" in str(first).lower()

    tried = []
    monkeypatch.setattr(base.base.DatabaseWrapper, "get_new_connection", lambda *args: tried.append(args))
    second = connect_error(unreachable)
    assert tried == []  # the server was not asked again
    assert database_unreachable(second)  # so readers get the outage page, or a cached one
    assert "not attempted" in str(second)


def test_a_second_later_the_server_is_tried_again(unreachable):
    connect_error(unreachable)
    base.DatabaseWrapper.unreachable_until["unreachable"] = time.monotonic() - 0.01
    assert "refused" in str(connect_error(unreachable)).lower()  # really tried
    assert base.DatabaseWrapper.unreachable_until["unreachable"] > time.monotonic()


def test_other_databases_are_not_held_back_by_one_that_is_away(unreachable):
    from django.db import connection

    connect_error(unreachable)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
