#!/usr/bin/env python
"""Requests per second of cached reader pages beside a static copy of each, under wrk, in one run.

    .venv/bin/python bench/throughput.py                     # demo + 500 generated stories, throwaway SQLite
    .venv/bin/python bench/throughput.py --check             # exits 1 when a page is under its target
    .venv/bin/python bench/throughput.py --rounds 5 --seconds 5 --encoding gzip

What it does:

1. prepares a database as ``bench/instructions.py`` does (a throwaway SQLite file with the demo and
   ``--stories`` generated stories, or ``--database-url``), picks the same URLs, and writes each
   page as rendered (plain, and gzip and brotli copies for WhiteNoise) into the static folder:
   the *static copy*, served by the same gunicorn through WhiteNoise, is the reference for "as fast
   as this server sends these bytes";
2. starts gunicorn with ``--workers`` sync workers, production settings and the page cache on (each
   worker's own memory), and requests every page until both workers answer it from the cache;
3. drives each page and its static copy with ``wrk -c 8`` (``--connections``) for ``--seconds``,
   alternating page and copy, ``--rounds`` times over all pages: on a machine shared with other
   work, the load changes from minute to minute, and interleaving puts both under the same load;
4. prints each pair's median requests/s, their ratio beside the target (cached pages ≥ 0.8× their
   static copy, the story sitemap page ≥ 0.5×), the workers' CPU time per request (from /proc,
   which the machine's other work hardly changes, unlike requests/s), and the load average.

With ``--encoding gzip`` (or ``br``) both sides are asked for compressed bytes (``Accept-Encoding``):
the cache answers with the copy it stored, WhiteNoise with its precompressed file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from instructions import prepare  # noqa: E402 - after making bench/ importable
from run import free_port, log  # noqa: E402

PAGES = {  # page type (as bench/instructions.py names them) → target ratio to the static copy
    "front": 0.8,
    "section": 0.8,
    "story": 0.8,
    "tag": 0.8,
    "author": 0.8,
    "search": 0.8,
    "rss": 0.8,
    "sitemap": 0.5,
}

# Run by ``manage.py shell``: the URLs, and each page's bytes for its static copy.
COPIES = """
import json, sys
sys.path.insert(0, "bench")
from django.test import Client
from instructions import find_paths
paths = find_paths({keys!r})
client = Client()
pages = {{}}
for key, path in paths.items():
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    pages[key] = {{"path": path, "content": response.content.decode(), "type": response["Content-Type"]}}
print("@@pages " + json.dumps(pages))
"""


def write_static_copies(env: dict, static_root: Path, keys: list[str]) -> dict:
    import gzip

    import brotli

    output = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "shell", "-v0", "-c", COPIES.format(keys=keys)],
        env=env, cwd=PROJECT, check=True, text=True, stdout=subprocess.PIPE,
    ).stdout  # fmt: skip
    pages = json.loads(next(line for line in output.splitlines() if line.startswith("@@pages "))[8:])
    folder = static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for key, page in pages.items():
        suffix = ".html" if page["type"].startswith("text/html") else ".xml"
        copy = folder / f"{key}{suffix}"
        content = page["content"].encode()
        copy.write_bytes(content)
        # As the page cache compresses (pagecache/compression.py), so both sides send the same bytes.
        (folder / f"{key}{suffix}.gz").write_bytes(gzip.compress(content, compresslevel=6, mtime=0))
        (folder / f"{key}{suffix}.br").write_bytes(brotli.compress(content, quality=5))
        page["static"] = f"/static/bench/{copy.name}"
    return pages


def start_gunicorn(env: dict, workers: int) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log_file = Path(tempfile.mkstemp(prefix="newsroom-throughput-gunicorn-", suffix=".log")[1])
    with log_file.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning"],
            env=env, cwd=PROJECT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=2).read()
            return process, url, log_file
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn stopped:\n" + log_file.read_text()[-3000:]) from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute.")


def get(url: str, encoding: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.status, dict(response.headers)


def warm(base: str, pages: dict, workers: int, encoding: str) -> None:
    """Every page in every worker's cache: requested until a run of answers are all hits."""
    for key, page in pages.items():
        hits = 0
        for _ in range(200):
            _status, headers = get(base + page["path"], encoding)
            hits = hits + 1 if headers.get("X-Cache") == "HIT" else 0
            if hits >= 4 * workers:
                break
        else:
            raise SystemExit(f"{key}: {page['path']} is not answered from the cache (X-Cache never HIT).")
        get(base + page["static"], encoding)


def workers_cpu_seconds(server: subprocess.Popen) -> float:
    """The gunicorn workers' CPU time so far (user + system), from /proc."""
    total = 0
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, *, connections: int, seconds: float, encoding: str) -> tuple[float, int]:
    """Requests per second and requests served."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s"]
    if encoding:
        command += ["-H", f"Accept-Encoding: {encoding}"]
    output = subprocess.run([*command, url], check=True, text=True, stdout=subprocess.PIPE).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses under wrk:\n{output}")
    served = int(re.search(r"(\d+) requests in", output).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), served


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="the database to serve (default: a throwaway SQLite file)")
    parser.add_argument("--stories", type=int, default=500, help="generated stories beyond the demo's (500)")
    parser.add_argument("--pages", default=",".join(PAGES), help="page types, comma-separated (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--seconds", type=int, default=4, help="seconds per wrk run (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all pages, interleaved (default 3)")
    parser.add_argument("--encoding", default="", help="Accept-Encoding sent on both sides (default: none)")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a page misses its target")
    args = parser.parse_args(argv)
    args.pages = [key.strip() for key in args.pages.split(",") if key.strip()]
    unknown = [key for key in args.pages if key not in PAGES]
    if unknown or not args.pages:
        parser.error(f"--pages takes some of {', '.join(PAGES)}; not {', '.join(unknown) or 'nothing'}.")
    if min(args.workers, args.connections, args.rounds) < 1 or args.seconds <= 0:
        parser.error("--workers, --connections, --rounds and --seconds must be positive.")
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: `apt-get install wrk`.")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-throughput-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'newsroom.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "PAGE_CACHE_SECONDS": "600",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        # Each worker keeps its database connection, as production's pool does on PostgreSQL: opening
        # one per request (SQLite's PRAGMAs, or a PostgreSQL handshake) would be most of a hit's cost.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "600"),
    }
    env.pop("REDIS_URL", None)  # each worker's memory: the cache this measures is the page cache's own work
    server = None
    try:
        log(f"Preparing {args.database_url or 'a throwaway SQLite file'}: the demo and {args.stories:,} stories…")
        prepare(env, args.stories)
        log("Writing each page's static copy…")
        pages = write_static_copies(env, workdir / "static", args.pages)
        server, base, server_log = start_gunicorn(env, args.workers)
        log(f"gunicorn: {args.workers} sync workers at {base}; warming the page cache…")
        warm(base, pages, args.workers, args.encoding)
        load_before = load_average()
        rates: dict[str, dict[str, list[float]]] = {key: {"page": [], "static": []} for key in pages}
        cpu: dict[str, dict[str, list[float]]] = {key: {"page": [], "static": []} for key in pages}
        for round_number in range(1, args.rounds + 1):
            for key, page in pages.items():
                for side, path in (("page", page["path"]), ("static", page["static"])):
                    before = workers_cpu_seconds(server)
                    rate, served = wrk(
                        base + path, connections=args.connections, seconds=args.seconds, encoding=args.encoding
                    )
                    rates[key][side].append(rate)
                    cpu[key][side].append((workers_cpu_seconds(server) - before) * 1000 / max(served, 1))
            log(f"  round {round_number}/{args.rounds} done (load average {load_average()})")
        load_after = load_average()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    lines = [
        "| page | URL | cached req/s | static copy req/s | ratio | target | | server CPU ms/request: cached | static |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    misses = []
    for key, page in pages.items():
        cached, static = statistics.median(rates[key]["page"]), statistics.median(rates[key]["static"])
        ratio = cached / static if static else 0.0
        met = ratio >= PAGES[key]
        if not met:
            misses.append(f"{key}: {ratio:.2f}× < {PAGES[key]}×")
        path = page["path"] if len(page["path"]) <= 40 else page["path"][:39] + "…"
        lines.append(
            f"| {key} | `{path}` | {cached:,.0f} | {static:,.0f} | {ratio:.2f}× | ≥ {PAGES[key]}× | "
            f"{'met' if met else '**missed**'} | {statistics.median(cpu[key]['page']):.2f} | "
            f"{statistics.median(cpu[key]['static']):.2f} |"
        )
    log("\n" + "\n".join(lines))
    log(
        f"\nwrk -c {args.connections}, {args.seconds:g}s per run, {args.rounds} interleaved rounds, median of rounds; "
        f"{args.workers} gunicorn sync workers; Accept-Encoding: {args.encoding or '(none)'}; "
        f"load average {load_before} before, {load_after} after; {time.monotonic() - started:.0f}s."
    )
    log("Targets: " + ("all met." if not misses else f"{len(misses)} missed: " + "; ".join(misses)))
    _ = server_log
    return 1 if misses and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
