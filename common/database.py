"""Housekeeping after bulk writes, so the query planner keeps choosing the indexes.

A bulk load leaves PostgreSQL with no statistics about the new rows (it then
guesses "1 row" and may walk the wrong index) and with an out-of-date
visibility map (index-only scans then visit the table after all). Autovacuum
catches up eventually; commands that write in bulk call this so the site is
fast straight away.
"""

from django.db import connection


def refresh_planner_statistics(*models) -> None:
    """Refresh the planner's statistics for the models' tables.

    PostgreSQL gets VACUUM ANALYZE, which also renews the visibility map, but
    VACUUM cannot run inside a transaction (a caller's ``atomic()`` block, or a
    test), so there it falls back to ANALYZE alone. SQLite gets ANALYZE.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for model in models:
                cursor.execute(f'{command} "{model._meta.db_table}"')
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
