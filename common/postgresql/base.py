"""Django's PostgreSQL backend, with connecting cut short while the server is known to be away.

When PostgreSQL is down, every attempt to connect costs the request the pool's
or the connection's timeout (1–2 s) before it fails, and one request may try
several times (the page cache, the view, the session): readers waited seconds
for the "back in a moment" page, and a sync worker served nobody meanwhile. So
after a connection attempt fails because the server cannot be reached, the
next ones in this process fail at once for ``RETRY_AFTER_SECONDS``, with an
error that ``common.outages.database_unreachable`` recognises; then the server
is tried again. Errors of a query, on a working connection, are not affected.

Used as ``ENGINE = "common.postgresql"`` (newsroom/settings.py sets it).
"""

import time

import psycopg
from django.db.backends.postgresql import base

from common.outages import driver_error_unreachable

# Long enough that one request's several attempts and the requests queued behind it fail at once;
# short enough that a restarted server is used again within about a second.
RETRY_AFTER_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    # For each database alias, when connecting may be tried again (time.monotonic()).
    unreachable_until: dict[str, float] = {}

    def get_new_connection(self, conn_params):
        retry_at = DatabaseWrapper.unreachable_until.get(self.alias, 0.0)
        if time.monotonic() < retry_at:
            raise psycopg.OperationalError(
                f"connection not attempted: the database was unreachable moments ago "
                f"(tried again in {retry_at - time.monotonic():.1f}s)"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            if driver_error_unreachable(error):
                DatabaseWrapper.unreachable_until[self.alias] = time.monotonic() + RETRY_AFTER_SECONDS
            raise
        DatabaseWrapper.unreachable_until.pop(self.alias, None)
        return connection
