#!/usr/bin/env python
"""A real streaming replica under gunicorn: readers read from it, an editor's change, the replica going away.

    .venv/bin/python bench/replica.py

It makes a throwaway PostgreSQL primary (``bench/outage.py``'s ``Cluster``: initdb and pg_ctl in a
temporary folder, on a free loopback port), loads the demo newsroom into it, makes a streaming
replica of it with ``pg_basebackup -R`` and starts that too. gunicorn serves the newsroom with
``DATABASE_REPLICA_URLS`` pointing at the replica (2 sync workers, psycopg's pool, the page cache
off so that every reader page is read from a database). Then:

1. replay on the replica is paused (``pg_wal_replay_pause()``) and a line is added to a live story's
   standfirst straight in the primary, outside any request (as a script might): readers do not see
   it, since they read from the replica, which has not replayed it; the editor, logged in, does
   (the primary). The proof that readers read from the replica;
2. replay still paused, the editor adds a line to the body through the admin: readers see it at
   once, from the primary, since the replica has not replayed the editor's change;
3. replay is resumed, and paused again once the replica has caught up; another line written
   straight in the primary is again unseen by readers: they are back on the replica;
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
    readers_on_replica: bool = False  # step 1: a change outside any request, unseen by readers while paused
    editor_saw_outside_change: bool = False
    editor_saw_at_once: bool = False  # step 2: the editor's own change, on the next request
    reader_saw_while_paused: bool = False  # step 2: readers too, from the primary
    caught_up_seconds: float | None = None  # step 3: replay resumed until readers saw everything
    readers_back_on_replica: bool = False  # step 3: paused again, a new outside change unseen
    while_replica_down: list[int] = field(default_factory=list)  # readers' statuses
    reader_saw_line_while_down: bool = False
    healthz_while_down: tuple[int, dict] = (0, {})
    server_log: str = ""

    def problems(self) -> list[str]:
        found = []
        if not self.readers_on_replica:
            found.append("readers saw a change the paused replica had not replayed: they did not read from it")
        if not self.editor_saw_outside_change:
            found.append("the editor did not see a change made in the primary (editors read from the primary)")
        if not self.editor_saw_at_once:
            found.append("the editor did not see their change on the next request")
        if not self.reader_saw_while_paused:
            found.append("readers did not see the editor's change while the replica lagged behind it")
        if self.caught_up_seconds is None:
            found.append(f"readers did not see every change within {REPLAY_WAIT_SECONDS}s of replay resuming")
        if not self.readers_back_on_replica:
            found.append("once the replica had caught up, readers did not read from it again")
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


def change_outside_requests(primary: Cluster, database: str, story_id: int, line: str) -> None:
    """Add ``line`` to the story's standfirst in the primary, as a script would: no request notes it."""
    with psycopg.connect(primary.url(database), autocommit=True) as connection:
        connection.execute(
            "UPDATE articles_article SET standfirst = standfirst || %s WHERE id = %s", [f" {line}", story_id]
        )


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
        editor = OutageEditor(base, "editor", server.env)

        # 1. Replay paused, a change made outside any request: readers, on the replica, do not see it.
        sql(replica, "SELECT pg_wal_replay_pause()")
        outside = f"Outside-{secrets.token_hex(4)}"
        change_outside_requests(primary, database, newsroom.story_id, outside)
        seen = [reader_sees(base, path, outside) for _ in range(6)]
        findings.readers_on_replica = all(status == 200 and not saw for status, saw in seen)
        status, body = editor.fetch(path)
        findings.editor_saw_outside_change = status == 200 and outside in body
        say(
            f"replay paused, a change outside requests: readers see it: {not findings.readers_on_replica}; "
            f"the editor sees it: {findings.editor_saw_outside_change}"
        )

        # 2. Still paused, the editor's own change through the admin: readers see it at once (the primary).
        change = f"/admin/articles/article/{newsroom.story_id}/change/"
        status, page = editor.fetch(change)
        line = f"Replica check {secrets.token_hex(4)}: added while the replica was paused."
        data = {**form_fields(page), "_continue": "Save and continue editing"}
        data["body"] = data.get("body", "") + f"\n\n{line}"
        status, _ = editor.save(change, data, page)
        say(f"editor saved a line into {path}: {status}")
        status, body = editor.fetch(path)
        findings.editor_saw_at_once = status == 200 and line in body
        seen = [reader_sees(base, path, line) for _ in range(6)]
        findings.reader_saw_while_paused = all(status == 200 and saw for status, saw in seen)
        say(
            f"the editor sees the line: {findings.editor_saw_at_once}; "
            f"readers see it at once: {findings.reader_saw_while_paused}"
        )

        # 3. Replay resumed: once caught up, readers read from the replica again.
        sql(replica, "SELECT pg_wal_replay_resume()")
        resumed = time.monotonic()
        while time.monotonic() - resumed < REPLAY_WAIT_SECONDS:
            if (
                sql(replica, f"SELECT standfirst FROM articles_article WHERE id = {newsroom.story_id}", database)[
                    0
                ].endswith(outside)
                and reader_sees(base, path, outside)[1]
            ):
                findings.caught_up_seconds = time.monotonic() - resumed
                break
            time.sleep(0.05)
        sql(replica, "SELECT pg_wal_replay_pause()")
        again = f"Again-{secrets.token_hex(4)}"
        change_outside_requests(primary, database, newsroom.story_id, again)
        seen = [reader_sees(base, path, again) for _ in range(6)]
        findings.readers_back_on_replica = all(status == 200 and not saw for status, saw in seen)
        sql(replica, "SELECT pg_wal_replay_resume()")
        say(
            f"replay resumed: caught up after {findings.caught_up_seconds}s; readers back on the replica: "
            f"{findings.readers_back_on_replica}"
        )

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
