#!/usr/bin/env python
"""Live coverage under its readers: 2,000 open live pages polling while an editor posts every 10 seconds.

    .venv/bin/python bench/live_polling.py                    # 2,000 readers for 60 s (about 90 s in all)
    .venv/bin/python bench/live_polling.py --readers 200 --seconds 15 --every 5 --poll 5

It starts gunicorn (``--workers`` processes of ``--threads`` threads, DEBUG off, the page cache in each
process's memory) on a fresh SQLite copy of the demo newsroom, reopens the demo's live story, then for
``--seconds`` simulates ``--readers`` open live pages, each asking the update endpoint every ``--poll``
seconds (with a little jitter, from a random start, as ``static/js/live.js`` does) and sending the ETag
it last got (``If-None-Match``), while an editor (a ``manage.py shell`` of its own) posts through the
workflow every ``--every`` seconds. At most ``--connections`` requests are in flight at once (loopback).

It prints progress every 10 s, then: polls answered, how many were 304s and page-cache hits, the
server's CPU per poll (its workers' user + system time over the polls), the poll latency, and the time
from each post to each reader's first poll that shows it (p50, p99): at most one polling interval plus
the answer's time, since a new post invalidates the endpoint at once.
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from run import Server, log, manage  # noqa: E402 - after making bench/ importable

SETTINGS = """
from newsroom.settings import *  # noqa: F403


class NoMigrations(dict):
    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None


MIGRATION_MODULES = NoMigrations()
# No collectstatic (compressing every static file took a minute): the endpoint polled uses none.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""

REOPEN = """
from live.models import LiveCoverage
coverage = LiveCoverage.objects.select_related("article").get()
LiveCoverage.objects.filter(pk=coverage.pk).update(ended_at=None)
print("LIVE", coverage.pk, coverage.article.get_absolute_url())
"""

EDITOR = """
import time
from django.contrib.auth import get_user_model
from live import workflow
from live.models import LiveCoverage

editor = get_user_model().objects.get(username="editor")
coverage = LiveCoverage.objects.select_related("article").get()
every, end = {every}, time.monotonic() + {seconds}
tick, number = time.monotonic() + every / 2, 0
time.sleep(every / 2)
while time.monotonic() < end:
    number += 1
    post = workflow.add_post(coverage, editor, body=f"Update number {{number}} from the bench.")
    print("POSTED", post.pk, time.time(), flush=True)
    tick += every
    time.sleep(max(0.0, tick - time.monotonic()))
"""


@dataclass
class Figures:
    polls: int = 0
    not_modified: int = 0
    hits: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    # post id -> the moments readers first saw it
    seen: dict[int, list[float]] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def get(port: int, path: str, etag: str) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n"
    if etag:
        request += f"If-None-Match: {etag}\r\n"
    writer.write((request + "\r\n").encode())
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=30)
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0][9:12])
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return status, headers, body


async def reader(port: int, path: str, poll: float, until: float, gate: asyncio.Semaphore, figures: Figures) -> None:
    """One open live page: its first ask at a random moment, then every ``poll`` seconds (± 10 %)."""
    etag, known = "", set()
    await asyncio.sleep(min(random.uniform(0, poll), max(0.0, until - time.monotonic())))
    first = True
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            async with gate:
                status, headers, body = await get(port, path, etag)
        except (TimeoutError, OSError, ValueError):
            figures.errors += 1
        else:
            figures.polls += 1
            figures.latencies.append(time.perf_counter() - started)
            figures.hits += headers.get("x-cache") == "HIT"
            if status == 304:
                figures.not_modified += 1
            elif status == 200:
                etag = headers.get("etag", "")
                now = time.time()
                for item in json.loads(body)["posts"]:
                    if item["id"] not in known:
                        known.add(item["id"])
                        if not first:  # what the page showed when opened is not news
                            figures.seen.setdefault(item["id"], []).append(now)
                first = False
            else:
                figures.errors += 1
        await asyncio.sleep(max(0.0, min(poll * random.uniform(0.9, 1.1), until - time.monotonic())))


async def warm(port: int, path: str, requests: int) -> None:
    await asyncio.gather(*(get(port, path, "") for _ in range(requests)))


async def progress(until: float, figures: Figures) -> None:
    start = time.monotonic()
    while time.monotonic() < until:
        await asyncio.sleep(10)
        log(
            f"  {time.monotonic() - start:5.0f} s: {figures.polls} polls ({figures.not_modified} × 304), "
            f"{figures.errors} errors"
        )


async def simulate(port: int, path: str, args, figures: Figures) -> None:
    until = time.monotonic() + args.seconds
    gate = asyncio.Semaphore(args.connections)
    await asyncio.gather(
        progress(until, figures), *(reader(port, path, args.poll, until, gate, figures) for _ in range(args.readers))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=2000, help="open live pages")
    parser.add_argument("--seconds", type=float, default=60, help="length of the run")
    parser.add_argument("--poll", type=float, default=20, help="seconds between a page's asks (LIVE_POLL_SECONDS)")
    parser.add_argument("--every", type=float, default=10, help="seconds between the editor's posts")
    parser.add_argument("--connections", type=int, default=64, help="requests in flight at most")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    args = parser.parse_args()
    if min(args.readers, args.seconds, args.poll, args.every, args.connections, args.workers, args.threads) <= 0:
        parser.error("every figure must be positive")
    if args.seconds > 90:
        parser.error("--seconds: at most 90, so that the whole run stays under two minutes")

    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="newsroom-live-polling-"))
    # The tables straight from the models (no migrations to replay), and the roles and the content
    # generation from post_migrate as usual: the preparation takes seconds, not minutes, on a busy machine.
    (folder / "bench_live_settings.py").write_text(SETTINGS)
    (folder / "static").mkdir()
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "bench_live_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(PROJECT)]),
        "DATABASE_URL": f"sqlite:///{folder / 'newsroom.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
        "PAGE_CACHE_SECONDS": "600",
    }
    server = None
    try:
        log(f"Preparing the demo newsroom in {folder}…")
        manage(env, "migrate", "--run-syncdb", "--no-input", "-v0")
        log(f"({time.monotonic() - began:.0f} s) migrated.")
        manage(env, "load_demo", "--accounts", "-v0")
        log(f"({time.monotonic() - began:.0f} s) demo loaded.")
        reopened = manage(env, "shell", "-c", REOPEN, capture=True)
        _, story_id, story_url = next(line for line in reopened.splitlines() if line.startswith("LIVE")).split()
        path = f"/live/{story_id}/updates.json"
        log(f"Live story {story_url} reopened; readers ask {path}.")
        server = Server(env, args.workers, threads=args.threads)
        log(f"({time.monotonic() - began:.0f} s) gunicorn started.")
        log(
            f"{args.readers} readers polling every {args.poll:g} s for {args.seconds:g} s, an editor posting every "
            f"{args.every:g} s; gunicorn {args.workers} × {args.threads} threads on 127.0.0.1:{server.port}"
        )
        editor = subprocess.Popen(
            [sys.executable, str(PROJECT / "manage.py"), "shell", "-c",
             EDITOR.format(every=args.every, seconds=args.seconds - args.poll)],
            env=env, cwd=PROJECT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        # Every worker's first requests pay for imports and an empty cache: not the readers' cost.
        asyncio.run(warm(server.port, path, args.workers * args.threads * 2))
        cpu_before = server.cpu_seconds()
        figures = Figures()
        asyncio.run(simulate(server.port, path, args, figures))
        cpu = server.cpu_seconds() - cpu_before
        output, _ = editor.communicate(timeout=60)
        if editor.returncode:
            raise SystemExit(f"The editor's posting failed (exit status {editor.returncode}).")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    lines = [line.split() for line in output.splitlines() if line.startswith("POSTED")]
    posted = {int(pk): float(at) for _, pk, at in lines}
    delays = [seen - posted[pk] for pk, moments in figures.seen.items() if pk in posted for seen in moments]
    polls = max(figures.polls, 1)
    log("")
    log(f"Summary (the whole run took {time.monotonic() - began:.0f} s)")
    log(f"  posts                 {len(posted)} (every {args.every:g} s)")
    log(
        f"  polls answered        {figures.polls} ({figures.polls / args.seconds:.0f}/s), "
        f"{figures.not_modified / polls:.0%} 304 Not Modified, {figures.hits / polls:.0%} page-cache hits, "
        f"{figures.errors} errors"
    )
    log(f"  server CPU per poll   {cpu / polls * 1000:.2f} ms ({cpu:.1f} s of CPU in {args.seconds:g} s)")
    log(
        f"  poll latency          p50 {percentile(figures.latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(figures.latencies, 0.99) * 1000:.1f} ms"
    )
    log(
        f"  post to visible       p50 {percentile(delays, 0.5):.1f} s, p99 {percentile(delays, 0.99):.1f} s "
        f"({len(delays)} reader-post pairs; the polling interval is {args.poll:g} s)"
    )


if __name__ == "__main__":
    main()
