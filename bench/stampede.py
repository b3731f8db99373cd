#!/usr/bin/env python
"""A publish storm: 32 readers on the front page while an editor publishes every 2 seconds.

    .venv/bin/python bench/stampede.py                      # each configuration for 20 s
    .venv/bin/python bench/stampede.py --seconds 4 --caches locmem --revalidate 5

For each configuration (page cache in each process's memory, or in Redis; stale-while-revalidate on
for ``--revalidate`` seconds, or off with 0) it starts gunicorn (``--workers`` processes of
``--threads`` threads, DEBUG off) on a fresh SQLite copy of the demo newsroom, warms the front page,
then for ``--seconds`` runs ``--readers`` concurrent readers of ``/`` while an editor (a
``manage.py shell`` of its own) publishes a new story through the workflow every ``--every``
seconds. It counts the front page's renders (``X-Cache: MISS`` answers) per publish, in all and
per process, the previous copies served meanwhile (``STALE``), and the readers' p50 and p99
during the storm. Redis is a redis-server of our own on a free port (skipped when not installed).

Without stale-while-revalidate, every request arriving while the new front page is being rendered
renders it too: up to workers × threads at once. With it, one request per page renders.
"""

import argparse
import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from run import Server, free_port, log, manage  # noqa: E402 - after making bench/ importable

EDITOR = """
import time
from django.contrib.auth import get_user_model
from articles import workflow
from articles.models import Article, Section

editor = get_user_model().objects.get(username="editor")
world = Section.objects.get(slug="world")
every, end = {every}, time.monotonic() + {seconds}
tick, number = time.monotonic(), 0
while time.monotonic() < end:
    number += 1
    story = Article.objects.create(
        title=f"Storm story {{number}}", body="Breaking.", section=world, status="in_review", created_by=editor
    )
    workflow.publish(story, editor)
    print("PUBLISHED", time.time(), flush=True)
    tick += every
    time.sleep(max(0.0, tick - time.monotonic()))
"""


@dataclass
class Storm:
    name: str
    workers: int
    publishes: int = 0
    answers: list[tuple[float, str, int]] = field(default_factory=list)  # (latency, X-Cache, status)

    def count(self, state: str) -> int:
        return sum(1 for _, cache_state, _ in self.answers if cache_state == state)

    def percentile(self, share: float) -> float:
        ordered = sorted(latency for latency, _, _ in self.answers)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def errors(self) -> int:
        return sum(1 for _, _, status in self.answers if status != 200)

    def summary(self) -> str:
        renders = self.count("MISS") / max(self.publishes, 1)
        return (
            f"{self.name:<28} publishes {self.publishes:3d}  renders/publish {renders:5.2f} "
            f"({renders / self.workers:4.2f} per process)  stale copies {self.count('STALE'):5d}  "
            f"reads {len(self.answers):6d}  p50 {self.percentile(0.50):6.1f} ms  p99 {self.percentile(0.99):7.1f} ms"
            f"  errors {self.errors}"
        )


async def read_front_page(port: int, until: float, storm: Storm) -> None:
    """One reader: the front page, again and again, a new connection each time (sync workers close it)."""
    while time.monotonic() < until:
        started = time.perf_counter()
        state, status = "", 0
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            await writer.drain()
            response = await asyncio.wait_for(reader.read(), timeout=30)
            writer.close()
            head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            status = int(head[9:12]) if head.startswith("HTTP/1.") else 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "x-cache":
                    state = value.strip()
        except (TimeoutError, OSError, ValueError):
            pass
        storm.answers.append((time.perf_counter() - started, state, status))


async def readers(port: int, count: int, seconds: float, storm: Storm) -> None:
    until = time.monotonic() + seconds
    await asyncio.gather(*(read_front_page(port, until, storm) for _ in range(count)))


def run_storm(env: dict, name: str, args) -> Storm:
    server = Server(env, args.workers, threads=args.threads)
    storm = Storm(name, args.workers)
    try:
        warm = Storm(name, args.workers)
        asyncio.run(readers(server.port, 4, 1.0, warm))  # every process renders and keeps the front page
        editor = subprocess.Popen(
            [sys.executable, str(PROJECT / "manage.py"), "shell", "-c",
             EDITOR.format(every=args.every, seconds=args.seconds)],
            env=env, cwd=PROJECT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        asyncio.run(readers(server.port, args.readers, args.seconds, storm))
        output, _ = editor.communicate(timeout=60)
        storm.publishes = output.count("PUBLISHED")
        if editor.returncode:
            raise SystemExit(f"The editor's publishing failed (exit status {editor.returncode}).")
    finally:
        server.stop()
    return storm


def redis_server() -> tuple[subprocess.Popen, str] | None:
    binary = shutil.which("redis-server")
    if not binary:
        return None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    process.terminate()
    raise SystemExit("redis-server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each storm")
    parser.add_argument("--readers", type=int, default=32, help="concurrent readers of the front page")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between the editor's publishes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread when more than 1)")
    parser.add_argument("--caches", default="locmem,redis", help="comma-separated: locmem, redis")
    parser.add_argument(
        "--revalidate", default="5,0", help="comma-separated PAGE_CACHE_REVALIDATE_SECONDS values (0: off)"
    )
    args = parser.parse_args()
    caches = [name.strip() for name in args.caches.split(",") if name.strip()]
    unknown = set(caches) - {"locmem", "redis"}
    if unknown:
        parser.error(f"--caches takes locmem and redis, not {', '.join(sorted(unknown))}")
    try:
        revalidate = [int(value) for value in args.revalidate.split(",") if value.strip()]
    except ValueError:
        parser.error(f"--revalidate takes whole numbers of seconds, e.g. 5,0, not {args.revalidate!r}")
    if args.seconds <= 0 or args.readers < 1 or args.every <= 0 or args.workers < 1 or args.threads < 1:
        parser.error("--seconds, --every, --readers, --workers and --threads must be positive")

    folder = Path(tempfile.mkdtemp(prefix="newsroom-stampede-"))
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}},
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
    redis = None
    storms: list[Storm] = []
    try:
        log(f"Preparing the demo newsroom in {folder}…")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        manage(env, "load_demo", "--accounts", "-v0")
        if "redis" in caches:
            redis = redis_server()
            if redis is None:
                log("redis-server is not installed: skipping the Redis runs.")
                caches.remove("redis")
        for cache in caches:
            for seconds in revalidate:
                name = f"{cache}, revalidate {seconds}s" if seconds else f"{cache}, no stale copies"
                cache_env = {**env, "PAGE_CACHE_REVALIDATE_SECONDS": str(seconds)}
                if cache == "redis":
                    cache_env.update(REDIS_URL=redis[1], CACHE_KEY_PREFIX=f"stampede-{secrets.token_hex(4)}")
                log(
                    f"Storm: {name}: {args.readers} readers of / for {args.seconds:g} s, a publish every "
                    f"{args.every:g} s, {args.workers} workers × {args.threads} threads…"
                )
                storms.append(run_storm(cache_env, name, args))
                log("  " + storms[-1].summary())
    finally:
        if redis is not None:
            redis[0].terminate()
            redis[0].wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    log("\nSummary (front page renders per publish; reader latency during the storm):")
    for storm in storms:
        log("  " + storm.summary())


if __name__ == "__main__":
    main()
