#!/usr/bin/env python
"""Server time of pages, in-process: wall, CPU and SQL per request, and the plan of the slowest query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_archive_1m \\
        .venv/bin/python bench/server_time.py /admin/articles/article/ "/admin/articles/article/?p=500" \\
        "/search/?q=floods" --requests 4 --explain

Runs under production-like settings (DEBUG off, cached template loader, page cache off) through
Django's test client, as a signed-in editor (two-factor passed) so that admin pages answer. For each
path: the first request's wall time (cold caches), then the median wall time, the median CPU time of
this process and the SQL time of the last request (Django's own timing of each query), with its
slowest query. ``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of that query (PostgreSQL).
On a shared machine the wall time follows the neighbours' load; CPU and the plans much less.
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="URL paths, e.g. /admin/articles/article/ /search/?q=floods")
    parser.add_argument("--requests", type=int, default=4, help="requests per path, the first included (default 4)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) each path's slowest query")
    args = parser.parse_args()
    if args.requests < 2:
        parser.error("--requests must be at least 2 (the first is the cold one)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.update(DEBUG="0", PAGE_CACHE_SECONDS="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    static_root = tempfile.mkdtemp(prefix="newsroom-server-time-static-")
    os.environ["STATIC_ROOT"] = static_root  # production static storage needs its manifest
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts import two_factor

    call_command("collectstatic", interactive=False, verbosity=0)
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.VERIFIED
    session.save()

    for path in args.paths:
        walls, cpus = [], []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                status = client.get(path).status_code
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu_started) * 1000)
        if status != 200:
            print(f"{path}: answers {status}", file=sys.stderr)
            continue
        queries = captured.captured_queries
        slowest = max(queries, key=lambda query: float(query["time"]), default=None)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        print(
            f"{path}\n  first {walls[0]:.0f} ms, median {statistics.median(walls[1:]):.0f} ms wall, "
            f"{statistics.median(cpus[1:]):.0f} ms CPU; {len(queries)} queries, {sql_ms:.0f} ms SQL"
            + (f"; slowest {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:100]}…" if slowest else "")
        )
        if args.explain and slowest and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"].removeprefix("EXPLAIN "))
                print("\n".join("    " + row[0] for row in cursor.fetchall()))
    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
