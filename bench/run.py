#!/usr/bin/env python
"""Reader-page benchmark: gunicorn under production settings, driven by wrk, figures in docs/performance.md.

    .venv/bin/python bench/run.py                     # PostgreSQL newsroom_bench, 100,000 stories
    .venv/bin/python bench/run.py --stories 5000 --requests 300 --database-url sqlite:////tmp/bench.sqlite3

What it does, in one run:

1. makes sure the database holds an archive of ``--stories`` stories (``generate_newsroom``, then
   ``update_search_index``), and collects static files into a temporary folder;
2. renders one story page and saves it as a static file, served by the same gunicorn through
   WhiteNoise: the physical reference for "as fast as this machine serves a page";
3. counts the SQL queries each URL issues (in-process, page cache off) and EXPLAINs each one on
   PostgreSQL, reporting any sequential scan of the stories table;
4. starts gunicorn (``--workers`` = cores, sync workers, DEBUG off, cached template loader, psycopg's
   connection pool on PostgreSQL) once with the page cache off and once with it on, and for each
   URL sends a fixed number of requests at a fixed concurrency, reading the workers' CPU time
   from /proc before and after;
5. sends 20,000 mixed requests and reports each worker's memory before and after;
6. prints the table and writes it, with the machine, the date and the command, to docs/performance.md.

The load comes from wrk (``bench/load.py``'s ``drive_wrk``; ``apt-get install wrk``), ``--concurrency``
connections for ``--seconds`` per page, p50/p95/p99 from its latency histogram; without wrk, or with
``--client python``, from ``bench/load.py``'s asyncio client in this process, which on a 2-core machine
takes CPU from the server that the CPU-per-request column does not count. A million stories:

    DATABASE_POOL_SIZE=2 .venv/bin/python bench/run.py --stories 1000000 --memory-requests 2000 \\
        --database-url postgres://postgres@127.0.0.1:5432/newsroom_archive_1m
"""

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from load import drive, drive_wrk, has_wrk  # noqa: E402 - after making bench/ importable

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ANALYSIS_MARKER = "<!-- Analysis: written by hand; bench/run.py keeps everything from this line on. -->"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Result:
    name: str
    mode: str
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    cpu_ms: float = 0.0
    queries: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), *args],
        env=env,
        cwd=PROJECT,
        check=True,
        text=True,
        input=stdin,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


# --- Preparing the archive and the URLs ---------------------------------------


def prepare(env: dict, stories: int) -> dict:
    """Migrate, fill the archive if short, and pick the URLs to drive (done in a child process)."""
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    script = (PROJECT / "bench" / "urls.py").read_text()
    output = manage({**env, "BENCH_TARGET_STORIES": str(stories)}, "shell", capture=True, stdin=script)
    return json.loads(output.strip().splitlines()[-1])


# --- gunicorn and its workers ---------------------------------------------------


class Server:
    def __init__(self, env: dict, workers: int, *, threads: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env  # what the server runs with, for manage.py commands about it (demo_code)
        # The server's errors go to a file: an unread pipe fills up and blocks the workers.
        self.log = Path(tempfile.mkstemp(prefix="newsroom-bench-gunicorn-", suffix=".log")[1])
        with self.log.open("w") as log_file:
            self.process = subprocess.Popen(
                # More than one thread per worker: gunicorn's gthread workers (bench/stampede.py).
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", str(workers),
                 "--threads", str(threads), "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048",
                 "--log-level", "warning",
                 # No control socket: gunicorn's default is one file per user, and stopping this
                 # server would delete it from under any other instance running.
                 "--no-control-socket"],
                env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=log_file, text=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(self.worker_pids()) == workers and self._answers():
                return
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start:\n" + self.errors())

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / CLOCK_TICKS

    def memory_mb(self) -> list[float]:
        return [
            int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1024 / 1024
            for pid in self.worker_pids()
        ]

    def errors(self) -> str:
        """What the server logged (warnings and errors, with tracebacks)."""
        return self.log.read_text()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        logged = self.errors().strip()
        if logged:
            log(f"  server log ({self.log}):\n" + "\n".join(logged.splitlines()[-40:]))


def measure(
    server: Server, name: str, mode: str, paths: list[str], args, queries: int | None, cookie: str = ""
) -> Result:
    # Warm up every path on every worker, likely enough (each has its own in-memory page cache and
    # the kernel hands a request to whichever accepts first), so "cached" measures a filled cache.
    for _ in range(2 * args.workers):
        for path in paths:
            drive(server.url, [path], requests=1, concurrency=1, cookie=cookie)
    drive(server.url, paths, requests=min(50, args.requests), concurrency=2, cookie=cookie)
    before = server.cpu_seconds()
    if args.client == "wrk":
        load = drive_wrk(server.url, paths, seconds=args.seconds, connections=args.concurrency, cookie=cookie)
    else:
        load = drive(server.url, paths, requests=args.requests, concurrency=args.concurrency, cookie=cookie)
    cpu = server.cpu_seconds() - before
    result = Result(
        name=name,
        mode=mode,
        requests=load.requests,
        seconds=load.seconds,
        p50_ms=load.percentile(0.50) * 1000,
        p95_ms=load.percentile(0.95) * 1000,
        p99_ms=load.percentile(0.99) * 1000,
        errors=load.errors,
        cpu_ms=cpu * 1000 / max(load.requests, 1),
        queries=queries,
    )
    log(
        f"  {mode:<8} {name:<24} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
        f"  p99 {result.p99_ms:7.1f} ms  errors {result.errors}  cpu {result.cpu_ms:6.2f} ms/req"
    )
    return result


# --- Report ---------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))  # fmt: skip
    return f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB RAM, Python {platform.python_version()}"


def table(results: list[Result], static: dict[str, Result]) -> str:
    rows = [
        "| Mode | Page | Requests/s | p50 ms | p95 ms | p99 ms | Errors | SQL queries | CPU ms/request | "
        "× static req/s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        reference = static.get(result.mode)
        ratio = result.rps / reference.rps if reference and reference.rps else 0
        queries = "–" if result.queries is None else str(result.queries)
        rows.append(
            f"| {result.mode} | {result.name} | {result.rps:,.0f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | "
            f"{result.p99_ms:.1f} | {result.errors} | {queries} | {result.cpu_ms:.2f} | {ratio:.2f} |"
        )
    return "\n".join(rows)


def seq_scan_summary(info: dict) -> str:
    if not info["database"].startswith("PostgreSQL"):
        return "not checked (PostgreSQL only)"
    found = {name: count for name, count in info["seq_scans"].items() if count}
    return "none" if not found else ", ".join(f"{name}: {count}" for name, count in found.items())


def load_description(args) -> str:
    if args.client == "wrk":
        return (f"wrk, {args.concurrency} connections (a new one per request: sync workers close them), "
                f"{args.seconds:g} s per page, a random URL of the page's list per request")  # fmt: skip
    return (f"`bench/load.py` (asyncio, a connection per request), {args.concurrency} concurrent clients, "
            f"{args.requests:,} requests per page")  # fmt: skip


def write_report(path: Path, *, command: str, info: dict, results: list[Result], memory: dict, args) -> str:
    static = {result.mode: result for result in results if result.name == "static copy of a story"}
    body = f"""# Performance

Latest figures from `bench/run.py`. Reproduce with:

```sh
{command}
```

- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC
- Machine: {machine()}
- Database: {info["database"]} with {info["stories"]:,} stories ({info["published"]:,} published)
- Server: gunicorn, {args.workers} sync workers, `DEBUG` off, cached template loader{info["pool"]}
- Load: {load_description(args)}, after {2 * args.workers} warm-up requests per URL and 50 more
- *uncached*: page cache off (`PAGE_CACHE_SECONDS=0`); *cached*: page cache on (in-process memory)
- CPU ms/request: the gunicorn workers' CPU time (user + system, from /proc) divided by requests served
- SQL queries: per request, counted in-process with the page cache off
- Sequential scans of the stories table in the plans (`EXPLAIN`) of those queries: {seq_scan_summary(info)}

{table(results, static)}

## Memory over {memory["requests"]:,} mixed requests (uncached, {memory["errors"]} errors)

| Worker | Before (MB) | After (MB) | Growth (MB) |
| --- | ---: | ---: | ---: |
""" + "\n".join(
        f"| {index + 1} | {before:.1f} | {after:.1f} | {after - before:+.1f} |"
        for index, (before, after) in enumerate(zip(memory["before"], memory["after"], strict=False))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # The analysis below the marker is written by hand, from the figures and profiles: keep it.
    analysis = ""
    if path.exists() and ANALYSIS_MARKER in (previous := path.read_text()):
        analysis = "\n" + previous[previous.index(ANALYSIS_MARKER) :]
    path.write_text(body + "\n" + analysis)
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/newsroom_bench")
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="per page and mode (with --client python)")
    parser.add_argument("--seconds", type=float, default=10, help="per page and mode (with --client wrk)")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if has_wrk() else "python",
        help="wrk (default when installed: apt-get install wrk) or bench/load.py's asyncio client",
    )
    # 8 clients on 2 workers: latency then includes the queue in front of them, as under real load.
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-requests", type=int, default=20_000)
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "performance.md")
    args = parser.parse_args()

    static_root = Path(tempfile.mkdtemp(prefix="newsroom-bench-static-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(static_root),
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_POOL_SIZE": os.environ.get("DATABASE_POOL_SIZE", "2"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    started = time.monotonic()
    log(f"Preparing {args.database_url} with {args.stories:,} stories…")
    info = prepare(env, args.stories)
    info["pool"] = ", psycopg connection pool" if args.database_url.startswith("postgres") else ""
    (static_root / "bench").mkdir(exist_ok=True)
    (static_root / "bench" / "story.html").write_text(info["static_copy_html"])

    pages = {name: paths for name, paths in info["pages"].items()}
    pages["static copy of a story"] = ["/static/bench/story.html"]
    results: list[Result] = []
    memory = {}
    for mode, cache_seconds in (("uncached", "0"), ("cached", "600")):
        log(f"\n{mode.capitalize()} (gunicorn, {args.workers} workers):")
        server = Server({**env, "PAGE_CACHE_SECONDS": cache_seconds}, args.workers)
        try:
            for name, paths in pages.items():
                # The admin is never page-cached: its pages are measured once, with an editor's session.
                is_admin = name in info["admin_pages"]
                if is_admin and mode == "cached":
                    continue
                cookie = info["admin_cookie"] if is_admin else ""
                results.append(measure(server, name, mode, paths, args, info["queries"].get(name), cookie))
            if mode == "uncached":
                mixed = [
                    path
                    for name, paths in info["pages"].items()
                    if name not in info["admin_pages"]
                    for path in paths[:50]
                ]
                random.Random(1).shuffle(mixed)
                log(f"  memory: {args.memory_requests:,} mixed requests…")
                before = server.memory_mb()
                load = drive(server.url, mixed, requests=args.memory_requests, concurrency=args.concurrency)
                memory = {
                    "requests": load.requests,
                    "errors": load.errors,
                    "before": before,
                    "after": server.memory_mb(),
                }
                log("  memory per worker (MB): " + ", ".join(
                    f"{b:.1f} → {a:.1f}" for b, a in zip(memory["before"], memory["after"], strict=False)
                ))  # fmt: skip
        finally:
            server.stop()
    shutil.rmtree(static_root, ignore_errors=True)

    command = "DATABASE_POOL_SIZE=2 .venv/bin/python bench/run.py " + " ".join(sys.argv[1:])
    body = write_report(args.output, command=command.strip(), info=info, results=results, memory=memory, args=args)
    log("\n" + body)
    log(f"\nWritten to {args.output} in {time.monotonic() - started:.0f}s.")


if __name__ == "__main__":
    main()
