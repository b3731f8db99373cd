#!/usr/bin/env python
"""Where a reader page spends its CPU: cProfile over repeated in-process requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/profile_page.py / /world/ --requests 200

Runs under production-like settings (DEBUG off, cached template loader, page cache off),
warms each URL up, then profiles ``--requests`` requests per URL through Django's test
client and prints, per URL, the CPU milliseconds per request and the functions with the
most cumulative and own time, grouped into Django's layers (ORM, templates, the rest).
"""

import argparse
import cProfile
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LAYERS = {
    "ORM (queries, model instances)": ("django/db/",),
    "database driver": ("psycopg/", "sqlite3"),
    "templates": ("django/template/", "templatetags/"),
    "Markdown and sanitizing": ("markdown/", "nh3"),
}


def layer_of(filename: str) -> str:
    for layer, markers in LAYERS.items():
        if any(marker in filename for marker in markers):
            return layer
    return "everything else (views, middleware, URL resolving, Python)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="URL paths, e.g. / /world/")
    parser.add_argument("--requests", type=int, default=200, help="profiled requests per path (default 200)")
    parser.add_argument("--top", type=int, default=15, help="functions to list per path (default 15)")
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.update(DEBUG="0", PAGE_CACHE_SECONDS="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    static_root = tempfile.mkdtemp(prefix="newsroom-profile-static-")
    os.environ["STATIC_ROOT"] = static_root  # production static storage needs its manifest
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)

    client = Client(HTTP_HOST="127.0.0.1")
    for path in args.paths:
        for _ in range(5):
            status = client.get(path).status_code
        if status != 200:
            print(f"{path}: answers {status}, not profiled", file=sys.stderr)
            continue
        profiler = cProfile.Profile(time.process_time)
        started = time.process_time()
        profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable()
        cpu_ms = (time.process_time() - started) * 1000 / args.requests
        stats = pstats.Stats(profiler)
        own_by_layer: dict[str, float] = defaultdict(float)
        for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
            own_by_layer[layer_of(filename)] += own
        total_own = sum(own_by_layer.values()) or 1.0
        print(f"\n=== {path}: {cpu_ms:.1f} ms CPU per request (with profiling overhead) over {args.requests} requests")
        for layer, seconds in sorted(own_by_layer.items(), key=lambda item: -item[1]):
            print(f"  {seconds / total_own:6.1%}  {layer}")
        print(f"\n  Top {args.top} by own time:")
        stats.sort_stats("tottime").print_stats(args.top)
    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
