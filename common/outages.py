"""Whether an error means PostgreSQL cannot be reached, rather than that one query failed.

Every layer needs to tell the two apart: the outage page (``newsroom/outages.py``),
the page cache serving its last known generation (``pagecache``) and ``/healthz``
(``operations/health.py``).
"""

import psycopg
from django.db import OperationalError

# Errors with these SQLSTATEs mean the server is gone or not taking connections, not that a query
# failed: connection exceptions (class 08), the server shutting down, crashed or starting up
# (57P01-57P03), and no connection slot free (53300). A lock or statement timeout, a deadlock or a
# serialization failure are errors of one query, and stay 500s to be looked into.
UNREACHABLE_SQLSTATE_CLASSES = ("08",)
UNREACHABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def database_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` says PostgreSQL cannot be reached, rather than that one query failed.

    Django wraps the driver's exception (``django.db.OperationalError`` from
    ``psycopg.OperationalError``). An error without a SQLSTATE never reached
    the server: the connection was refused, lost or closed, or the connection
    pool had none to lend in time. ``InterfaceError`` is not an outage: psycopg
    raises it for misuse, such as a closed cursor. SQLite, a file on the same
    machine, has no outages in this sense.
    """
    return isinstance(error, OperationalError) and driver_error_unreachable(error.__cause__)


def driver_error_unreachable(error: BaseException | None) -> bool:
    """``database_unreachable`` for psycopg's own exception, before Django wraps it."""
    if not isinstance(error, psycopg.OperationalError):
        return False
    sqlstate = error.sqlstate
    return sqlstate is None or sqlstate.startswith(UNREACHABLE_SQLSTATE_CLASSES) or sqlstate in UNREACHABLE_SQLSTATES
