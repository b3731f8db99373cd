#!/usr/bin/env python
"""PostgreSQL stops and starts again while readers read and an editor saves: what they get, how soon it is over.

    .venv/bin/python bench/outage.py                                   # psycopg's pool, a 10-second outage
    .venv/bin/python bench/outage.py --pool 0 --conn-max-age 60        # persistent connections instead
    .venv/bin/python bench/outage.py --pool 0                          # a new connection per request

It makes a throwaway PostgreSQL cluster (initdb and pg_ctl, in a temporary folder, on a free port),
migrates it and loads the demo newsroom, and serves it with gunicorn (2 sync workers, production
settings, the page cache on). Then, all the time, readers request pages (some cached, some not: a
search never is), a probe asks ``/healthz``, and an editor, logged in, saves a story with new text
every half second. After ``--before`` seconds PostgreSQL is stopped (``pg_ctl stop -m fast``), and
started again ``--outage`` seconds later; the run goes on until every request has succeeded for
``--settle`` seconds, or ``--limit`` seconds have passed since the restart.

It prints what everyone got, second by second, then a summary: how long after PostgreSQL was back
anyone still saw an error (the recovery time), how long readers waited for the outage page, whether
the editor's text came back on it. It exits with status 1 on any answer other than 200 or the
friendly 503 page, on an editor's text missing from that page, or if the site did not recover.
The test ``tests/newsroom/test_outages.py`` runs the same scenario, shorter.

Just over 500 lines: a benchmark script kept whole (cluster, readers, editor, report) so that it
can be read and run on its own.
"""

import argparse
import html
import http.client
import http.cookiejar
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from editors_under_load import PASSWORD, Editor, form_fields, two_factor_code  # noqa: E402 - after making bench/ importable
from run import Server, free_port, manage  # noqa: E402

# What only the outage page (templates/503.html) says.
OUTAGE_PAGE = "We’ll be back in a moment"


# --- A PostgreSQL cluster of our own --------------------------------------------


def postgres_bin() -> Path | None:
    """The folder of the newest PostgreSQL's initdb and pg_ctl, if there is one."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # a symlink on PATH points into the real folder
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    return candidates[-1].parent if candidates else None


class Cluster:
    """A throwaway PostgreSQL cluster: a temporary folder, a free port on loopback, trust authentication.

    As root, the server runs as the ``postgres`` user (it refuses to run as root). With
    ``replica_of``, a streaming replica of that running cluster instead of a new one: a copy of its
    files (``pg_basebackup -R``, which also writes how to follow the primary), read-only once started.
    """

    def __init__(self, replica_of: "Cluster | None" = None) -> None:
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's initdb was not found (Debian: apt-get install postgresql).")
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-outage-pg-"))
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        data = str(self.folder / "data")
        if replica_of is None:
            self._pg("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        else:
            primary = ["-h", "127.0.0.1", "-p", str(replica_of.port), "-U", "postgres"]
            self._pg("pg_basebackup", *primary, "-D", data, "-R", "-X", "stream", "-c", "fast")
        self.running = False

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / program), *args], check=True, stdout=subprocess.DEVNULL, timeout=120
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections (``pg_ctl -w``)."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.folder / "data"), str(self.folder / "log")
        self._pg("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")
        self.running = True

    def stop(self) -> None:
        """Stop the server as an upgrade or a failover would: sessions are ended at once (``-m fast``)."""
        self._pg("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        self.running = False

    def create_database(self, name: str) -> None:
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        if self.running:
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- The newsroom and its server ---------------------------------------------------


@dataclass
class Newsroom:
    env: dict  # the production-like settings to serve it with
    story_id: int  # the story the editor edits
    reader_paths: list[str]

    def serve(self, *, pool: int, conn_max_age: int, workers: int = 2) -> Server:
        """gunicorn, sync workers, with psycopg's pool of ``pool`` connections or, for 0, ``conn_max_age``."""
        return Server({**self.env, "DATABASE_POOL_SIZE": str(pool), "CONN_MAX_AGE": str(conn_max_age)}, workers)


def prepare_newsroom(cluster: Cluster) -> Newsroom:
    """A database in the cluster, migrated, with the demo newsroom and its logins, and static files collected."""
    database = f"newsroom_outage_{secrets.token_hex(3)}"
    cluster.create_database(database)
    folder = cluster.folder / "site"
    env = {
        **os.environ, "DATABASE_URL": cluster.url(database), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1", "STATIC_ROOT": str(folder / "static"), "MEDIA_ROOT": str(folder / "media"),
        "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING", "PAGE_CACHE_SECONDS": "600",
    }  # fmt: skip
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_demo", "--accounts", "-v0")
    found = manage(
        env,
        "shell",
        capture=True,
        stdin="from articles.models import Article\n"
        "story = Article.objects.published().order_by('pk').first()\n"
        "print('STORY', story.pk, story.get_absolute_url())\n",
    )
    story_id, story_url = found.split("STORY ", 1)[1].split()
    # A search is never served from the page cache (a new query string every time): it always needs
    # the database. The others are, once a worker has rendered them.
    paths = ["/", "/world/", story_url, "/authors/", "/search/?q=nato"]
    return Newsroom(env, int(story_id), paths)


def stop_server(server: Server) -> None:
    """Stop gunicorn, keeping its log for the caller to read."""
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(30)
    except subprocess.TimeoutExpired:
        server.process.kill()


# --- Who asks what, and what they got -----------------------------------------------


@dataclass
class Answer:
    at: float  # seconds from the start of the run to the end of the answer
    who: str  # "reader", "probe" (/healthz) or "editor"
    what: str
    status: int  # 0: no HTTP answer at all
    seconds: float
    cached: bool = False
    friendly: bool = True  # a 503 was the outage page (for /healthz: its JSON)
    accepted: bool = True  # an editor's save: the admin saved it (302), rather than showing the form again
    text_kept: bool | None = None  # an editor's failed save: the text sent was on the page

    @property
    def ok(self) -> bool:
        return self.status in (200, 302) and self.accepted


def get(base: str, path: str) -> tuple[int, str, dict]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), dict(response.getheaders())
    except OSError as error:
        return 0, str(error), {}
    finally:
        connection.close()


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer of its own: a save's 302 says it was saved, whatever the next page says."""

    def redirect_request(self, *args, **kwargs):
        return None


class OutageEditor(Editor):
    """An editor who keeps trying: every answer is recorded, none raises, and redirects are not followed."""

    def __init__(self, base: str, username: str, env: dict) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), KeepRedirects())
        status, _ = self.post("/admin/login/", {"username": username, "password": PASSWORD}, self.get("/admin/login/"))
        if status == 302:  # to the code page: editors give a code from their app (the demo key's)
            code = two_factor_code(env, username)
            status, _ = self.post("/admin/two-factor/code/", {"code": code}, self.get("/admin/two-factor/code/"))
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")

    def fetch(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError as error:
            return 0, str(error)

    def save(self, path: str, data: dict, page: str) -> tuple[int, str]:
        try:
            return self.post(path, data, page)
        except OSError as error:
            return 0, str(error)


@dataclass
class Timeline:
    answers: list[Answer] = field(default_factory=list)
    stopping_at: float | None = None  # pg_ctl stop was called
    restarted_at: float | None = None  # pg_ctl start returned: PostgreSQL accepts connections
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def phase(self, answer: Answer) -> str:
        if self.stopping_at is None or answer.at < self.stopping_at:
            return "before"
        if self.restarted_at is None or answer.at < self.restarted_at:
            return "outage"
        return "after"

    def in_phase(self, phase: str, who: str | None = None) -> list[Answer]:
        with self.lock:
            answers = list(self.answers)
        return [a for a in answers if self.phase(a) == phase and (who is None or a.who == who)]

    def first_database_page(self) -> float | None:
        """Seconds from the restart to the first reader page rendered from the database (not the page cache)."""
        pages = [a.at for a in self.in_phase("after") if a.who == "reader" and a.status == 200 and not a.cached]
        return min(pages) - self.restarted_at if pages else None

    def unexpected(self) -> list[Answer]:
        """Answers that are neither a success nor the outage page: a 500, no answer, Django's bare 503."""
        return [
            a
            for a in self.answers
            if not (a.status == 200 or (a.status == 302 and a.what == "save") or (a.status == 503 and a.friendly))
        ]

    def recovery_seconds(self) -> float | None:
        """How long after PostgreSQL was back anyone still got an error (0: nobody did); None: not yet back."""
        if self.restarted_at is None:
            return None
        failures = [a.at for a in self.in_phase("after") if not a.ok]
        return max(failures, default=self.restarted_at) - self.restarted_at

    def settled(self, seconds: float) -> bool:
        """Since the restart, everyone has succeeded for ``seconds``, and the editor has saved."""
        after = self.in_phase("after")
        last_failure = max((a.at for a in after if not a.ok), default=self.restarted_at or 0)
        since = [a for a in after if a.at > last_failure]
        return (
            bool(since)
            and max(a.at for a in since) - last_failure >= seconds
            and any(a.who == "editor" and a.what == "save" for a in since)
        )

    def per_second(self) -> list[str]:
        rows = []
        with self.lock:
            answers = sorted(self.answers, key=lambda a: a.at)
        for second in range(int(answers[-1].at) + 1 if answers else 0):
            within = [a for a in answers if second <= a.at < second + 1]
            if not within:
                continue
            cells = []
            for who in ("reader", "editor", "probe"):
                counts = Counter(describe(a) for a in within if a.who == who)
                cells.append(" ".join(f"{label}×{count}" for label, count in sorted(counts.items())) or "-")
            rows.append(f"{second:>5}  {self.phase(within[0]):<7} {cells[0]:<34} {cells[1]:<26} {cells[2]}")
        return rows


def describe(answer: Answer) -> str:
    label = str(answer.status)
    if answer.who == "reader" and answer.cached:
        label += " cached"
    if answer.who == "editor":
        label = f"{answer.what} {label}"
        if not answer.accepted:
            label += " refused"
        if answer.text_kept:
            label += " text kept"
    if answer.status == 503 and not answer.friendly:
        label += " UNFRIENDLY"
    return label


def reader_loop(base: str, paths: list[str], timeline: Timeline, started: float, stop: threading.Event) -> None:
    count = 0
    while not stop.is_set():
        path = paths[count % len(paths)]
        if path.startswith("/search/"):
            path += f"&n={secrets.token_hex(4)}"
        count += 1
        began = time.monotonic()
        status, body, headers = get(base, path)
        timeline.add(
            Answer(
                at=time.monotonic() - started,
                who="reader",
                what=path,
                status=status,
                seconds=time.monotonic() - began,
                cached=headers.get("X-Cache") == "HIT",
                friendly=status != 503 or (OUTAGE_PAGE in body and headers.get("Retry-After") is not None),
            )
        )
        time.sleep(0.05)


def probe_loop(base: str, timeline: Timeline, started: float, stop: threading.Event) -> None:
    while not stop.is_set():
        began = time.monotonic()
        status, body, _ = get(base, "/healthz")
        answer = Answer(time.monotonic() - started, "probe", "/healthz", status, time.monotonic() - began)
        answer.friendly = status != 503 or '"database": "failing"' in body
        timeline.add(answer)
        time.sleep(0.5)


# How long the editor types between opening the story, or a failed save, and saving.
TYPING_SECONDS = 1.5


def editor_loop(
    editor: OutageEditor, story_id: int, timeline: Timeline, started: float, opened: threading.Event, stop
) -> None:
    """Open the story, type a line, save. A failed save keeps the form: type another line, save again."""
    path = f"/admin/articles/article/{story_id}/change/"
    page = None
    while not stop.is_set():
        began = time.monotonic()
        if page is None:
            status, answer = editor.fetch(path)
            timeline.add(Answer(time.monotonic() - started, "editor", "open", status, time.monotonic() - began))
            if status != 200:
                time.sleep(0.5)
                continue
            page = answer
            opened.set()
        time.sleep(TYPING_SECONDS)
        line = f"Outage check {secrets.token_hex(4)}: a line typed while the database may be away."
        data = {**form_fields(page), "_continue": "Save and continue editing"}
        data["body"] = data.get("body", "") + f"\n\n{line}"
        began = time.monotonic()
        status, answer = editor.save(path, data, page)
        record = Answer(time.monotonic() - started, "editor", "save", status, time.monotonic() - began)
        record.accepted = status != 200  # the form shown again: refused (e.g. an edit conflict)
        if status == 503:
            record.friendly = OUTAGE_PAGE in answer
            record.text_kept = line in html.unescape(answer)
        timeline.add(record)
        if status in (200, 302):
            page = None  # saved (or refused): open the story again, at its new version


def run_outage(
    newsroom: Newsroom,
    server: Server,
    cluster: Cluster,
    *,
    before: float,
    outage: float,
    settle: float,
    limit: float,
    readers: int = 3,
    say=lambda message: None,
) -> Timeline:
    """The scenario: everyone at work, PostgreSQL stopped for ``outage`` seconds, then until all is well again."""
    base = server.url
    editor = OutageEditor(base, "editor", server.env)  # load_demo --accounts's editor, password and demo key
    timeline, opened, stop, started = Timeline(), threading.Event(), threading.Event(), time.monotonic()
    threads = [
        *(
            threading.Thread(target=reader_loop, args=(base, newsroom.reader_paths, timeline, started, stop))
            for _ in range(readers)
        ),
        threading.Thread(target=probe_loop, args=(base, timeline, started, stop)),
        threading.Thread(target=editor_loop, args=(editor, newsroom.story_id, timeline, started, opened, stop)),
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(before)
        # Stop just after the editor has opened the story, so the save being typed meets the outage.
        opened.clear()
        opened.wait(30)
        timeline.stopping_at = time.monotonic() - started
        say(f"{timeline.stopping_at:5.1f}s  stopping PostgreSQL (pg_ctl stop -m fast)")
        cluster.stop()
        time.sleep(outage)
        say(f"{time.monotonic() - started:5.1f}s  starting PostgreSQL again")
        cluster.start()
        timeline.restarted_at = time.monotonic() - started
        say(f"{timeline.restarted_at:5.1f}s  PostgreSQL accepts connections; waiting for the site to recover")
        deadline = time.monotonic() + limit
        while not timeline.settled(settle) and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        stop.set()
        for thread in threads:
            thread.join(90)
    return timeline


# --- The benchmark ------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outage", type=float, default=10, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--before", type=float, default=5, help="seconds of normal work first")
    parser.add_argument("--settle", type=float, default=5, help="seconds of all-200 that count as recovered")
    parser.add_argument("--limit", type=float, default=60, help="longest wait for recovery after the restart")
    parser.add_argument("--pool", type=int, default=2, help="DATABASE_POOL_SIZE (0: no pool)")
    parser.add_argument("--conn-max-age", type=int, default=0, help="CONN_MAX_AGE, without the pool")
    parser.add_argument("--readers", type=int, default=3, help="readers requesting pages one after another")
    args = parser.parse_args()

    mode = f"pool of {args.pool}" if args.pool else f"CONN_MAX_AGE={args.conn_max_age}"
    print(f"Outage benchmark: 2 gunicorn workers, {mode}, {args.readers} readers, 1 editor, 1 health probe")
    print("Making a throwaway PostgreSQL cluster and loading the demo newsroom…", flush=True)
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        newsroom = prepare_newsroom(cluster)
        server = newsroom.serve(pool=args.pool, conn_max_age=args.conn_max_age)
        timeline = run_outage(
            newsroom,
            server,
            cluster,
            before=args.before,
            outage=args.outage,
            settle=args.settle,
            limit=args.limit,
            readers=args.readers,
            say=lambda message: print(message, flush=True),
        )
    finally:
        if server is not None:
            stop_server(server)
        cluster.remove()
    logged = server.errors().splitlines()

    print(f"\n{'t(s)':>5}  {'phase':<7} {'readers':<34} {'editor':<26} /healthz")
    print("\n".join(timeline.per_second()))

    outage = timeline.in_phase("outage")
    unexpected = timeline.unexpected()
    waits = [a.seconds for a in outage if a.who == "reader" and a.status == 503]
    failed_saves = [a for a in outage if a.who == "editor" and a.what == "save"]
    recovery = timeline.recovery_seconds()
    recovered = timeline.settled(args.settle)
    print("\nSummary")
    print(f"  answers: {len(timeline.answers)}, {Counter(a.status for a in timeline.answers)}")
    print(f"  during the outage: readers {Counter(describe(a) for a in outage if a.who == 'reader')}")
    if waits:
        median, longest = statistics.median(waits), max(waits)
        print(f"  readers waited for the outage page: median {median:.2f}s, longest {longest:.2f}s")
    kept = sum(1 for a in failed_saves if a.text_kept)
    print(f"  editor's saves during the outage: {len(failed_saves)}, text back on the page in {kept}")
    print(f"  unexpected answers (neither a success nor the outage page): {len(unexpected)}")
    for answer in unexpected[:10]:
        print(f"    {answer.at:6.1f}s {answer.who} {answer.what}: {answer.status}")
    if recovery is not None:
        print(f"  recovery: last error {recovery:.2f}s after PostgreSQL accepted connections again", end="")
        first = timeline.first_database_page()
        print(f", first page from the database {first:.2f}s after" if first is not None else "")
    tracebacks = sum(1 for line in logged if line.startswith("Traceback"))
    print(f"  server log: {len(logged)} lines, {tracebacks} tracebacks ({server.log})")
    if unexpected or kept < len(failed_saves) or not recovered or tracebacks:
        print("FAILED" + ("" if recovered else f": not recovered within {args.limit:.0f}s of the restart"))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
