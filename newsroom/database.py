"""Housekeeping after bulk writes, so the query planner keeps choosing the indexes.

A bulk load leaves PostgreSQL with no statistics about the new rows (it then
guesses "1 row" and may walk the wrong index) and with an out-of-date
visibility map (index-only scans then visit the table after all). Autovacuum
catches up eventually; commands that write in bulk call this so the site is
fast straight away.
"""

from django.db import connection


def refresh_planner_statistics(*models) -> None:
    """VACUUM ANALYZE the models' tables on PostgreSQL; ANALYZE on SQLite. Runs outside a transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models:
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
