#!/usr/bin/env python
"""A real streaming replica under gunicorn: readers read from it, an editor's change, the replica going away.

    .venv/bin/python bench/replica.py

It makes a throwaway PostgreSQL primary (``bench/outage.py``'s ``Cluster``: initdb and pg_ctl in a
temporary folder, on a free loopback port), loads the demo newsroom into it, makes a streaming
replica of it with ``pg_basebackup -R`` and starts that too. gunicorn serves the newsroom with
``DATABASE_REPLICA_URLS`` pointing at the replica (2 sync workers, psycopg's pool, the page cache
off so that every reader page is read from a database). Then:

1. readers read the story: the replica serves them (its committed transactions go up);
2. replay on the replica is paused (``pg_wal_replay_pause()``) and the editor, logged in, adds a
   line to a live story: the editor sees it on the story's page at the very next request, and so
   do readers, from the primary, since the replica has not replayed the editor's change (the
   replica serves no reader meanwhile);
3. replay is resumed: readers are back on the replica once it has replayed the change (how long
   that took), and see the line there;
4. the replica is stopped (``pg_ctl stop -m fast``): readers keep getting the page, from the
   primary, the server logs a warning, and ``/healthz`` answers 200, "degraded", replica "failing".

It prints what it saw and exits with status 1 if any of that did not hold. The test
``tests/newsroom/test_replicas.py`` runs it.
"""

import json
import secrets
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from editors_under_load import form_fields  # noqa: E402 - after making bench/ importable
from outage import Cluster, OutageEditor, get, prepare_newsroom, stop_server  # noqa: E402

sys.path.insert(0, str(PROJECT))
from tests.helpers.servers import start_redis  # noqa: E402

REPLAY_WAIT_SECONDS = 15


@dataclass
class Findings:
    editor_saw_at_once: bool = False
    replica_commits: int = 0  # read transactions the replica served to readers in step 1
    reader_saw_while_paused: bool = False
    replica_commits_while_paused: int = -1  # in step 2: readers were sent to the primary
    reader_back_on_replica_seconds: float | None = None  # step 3: reading the line from the replica
    while_replica_down: list[int] = field(default_factory=list)  # readers' statuses
    reader_saw_line_while_down: bool = False
    healthz_while_down: tuple[int, dict] = (0, {})
    server_log: str = ""

    def problems(self) -> list[str]:
        found = []
        if not self.editor_saw_at_once:
            found.append("the editor did not see their change on the next request")
        if self.replica_commits <= 0:
            found.append("the replica served readers no transactions")
        if not self.reader_saw_while_paused:
            found.append("readers did not see the editor's change while the replica lagged behind it")
        if self.replica_commits_while_paused != 0:
            found.append(f"a replica behind the editor's change served {self.replica_commits_while_paused} reads")
        if self.reader_back_on_replica_seconds is None:
            found.append(f"readers were not back on the replica within {REPLAY_WAIT_SECONDS}s of replay resuming")
        if not self.while_replica_down or any(status != 200 for status in self.while_replica_down):
            found.append(f"with the replica stopped, readers got {self.while_replica_down}")
        if not self.reader_saw_line_while_down:
            found.append("with the replica stopped, readers did not get the current page from the primary")
        status, body = self.healthz_while_down
        if status != 200 or body.get("status") != "degraded" or body.get("replicas") != {"replica1": "failing"}:
            found.append(f"/healthz with the replica stopped answered {status} {body}")
        if "Read replica replica1 unreachable" not in self.server_log:
            found.append("no warning about the replica in the server's log")
        if "Traceback" in self.server_log or "Internal Server Error" in self.server_log:
            found.append("errors in the server's log")
        return found


def sql(cluster: Cluster, query: str, database: str = "postgres"):
    with psycopg.connect(cluster.url(database), autocommit=True) as connection:
        return connection.execute(query).fetchone()


def replica_commits(replica: Cluster, database: str) -> int:
    return sql(replica, f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'")[0]


def reader_sees(base: str, path: str, line: str) -> tuple[int, bool]:
    status, body, _ = get(base, path)
    return status, line in body


def run(say=print) -> Findings:
    findings = Findings()
    primary = Cluster()
    replica = server = redis = None
    try:
        primary.start()
        say(f"primary on port {primary.port}; loading the demo newsroom")
        newsroom = prepare_newsroom(primary)
        database = newsroom.env["DATABASE_URL"].rsplit("/", 1)[1]
        replica = Cluster(replica_of=primary)
        replica.start()
        in_recovery = sql(replica, "SELECT pg_is_in_recovery()")[0]
        say(f"replica on port {replica.port} (pg_basebackup -R), in recovery: {in_recovery}")
        # A shared cache, as replicas need in production: every worker learns where the primary's log
        # was when the editor's save answered (newsroom/replicas.py). Tasks stay in-process.
        started = start_redis()
        if started is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server).")
        redis, redis_url = started
        env = {
            **newsroom.env,
            "DATABASE_REPLICA_URLS": replica.url(database),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": "",
            "PAGE_CACHE_SECONDS": "0",
            "REPLICA_STICKY_SECONDS": "5",
        }
        server = replace(newsroom, env=env).serve(pool=2, conn_max_age=0)
        base, path = server.url, newsroom.reader_paths[2]
        editor = OutageEditor(base, "editor")

        # 1. Readers read from the replica.
        commits_before = replica_commits(replica, database)
        statuses = [reader_sees(base, path, "")[0] for _ in range(6)]
        findings.replica_commits = replica_commits(replica, database) - commits_before
        say(f"readers: {statuses}; replica transactions meanwhile: {findings.replica_commits}")

        # 2. Replay paused: the editor's change reaches the primary only, and readers are sent there.
        sql(replica, "SELECT pg_wal_replay_pause()")
        change = f"/admin/articles/article/{newsroom.story_id}/change/"
        status, page = editor.fetch(change)
        line = f"Replica check {secrets.token_hex(4)}: added while the replica was paused."
        data = {**form_fields(page), "_continue": "Save and continue editing"}
        data["body"] = data.get("body", "") + f"\n\n{line}"
        status, _ = editor.save(change, data, page)
        say(f"editor saved a line into {path}: {status}")
        status, body = editor.fetch(path)
        findings.editor_saw_at_once = status == 200 and line in body
        commits_before = replica_commits(replica, database)
        seen = [reader_sees(base, path, line) for _ in range(6)]
        findings.replica_commits_while_paused = replica_commits(replica, database) - commits_before
        findings.reader_saw_while_paused = all(status == 200 and saw for status, saw in seen)
        say(
            f"replay paused: the editor sees the line: {findings.editor_saw_at_once}; readers see it: "
            f"{findings.reader_saw_while_paused}; replica transactions meanwhile: "
            f"{findings.replica_commits_while_paused}"
        )

        # 3. Replay resumed: readers are back on the replica once it has the change.
        sql(replica, "SELECT pg_wal_replay_resume()")
        resumed = time.monotonic()
        while time.monotonic() - resumed < REPLAY_WAIT_SECONDS:
            commits_before = replica_commits(replica, database)
            status, saw = reader_sees(base, path, line)
            if saw and replica_commits(replica, database) > commits_before:
                findings.reader_back_on_replica_seconds = time.monotonic() - resumed
                break
            time.sleep(0.05)
        say(f"replay resumed: readers read the line from the replica after {findings.reader_back_on_replica_seconds}s")

        # 4. The replica goes away: readers get pages from the primary.
        replica.stop()
        say("replica stopped (pg_ctl stop -m fast)")
        for _ in range(8):
            status, seen = reader_sees(base, path, line)
            findings.while_replica_down.append(status)
            findings.reader_saw_line_while_down = seen or findings.reader_saw_line_while_down
        status, body, _ = get(base, "/healthz")
        findings.healthz_while_down = (status, json.loads(body) if status in (200, 503) else {})
        say(f"readers with the replica stopped: {findings.while_replica_down}; /healthz {findings.healthz_while_down}")
    finally:
        if server is not None:
            stop_server(server)
            findings.server_log = server.errors()
        if replica is not None:
            replica.remove()
        primary.remove()
        if redis is not None:
            redis.terminate()
            redis.wait(10)
    warnings = [line for line in findings.server_log.splitlines() if "Read replica" in line]
    say("server log, replica lines: " + (" | ".join(warnings) or "none"))
    return findings


def main() -> int:
    findings = run()
    problems = findings.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("all held" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
