#!/usr/bin/env python
"""Benchmark `manage.py backup` and `manage.py restore` at several archive sizes, on PostgreSQL.

    .venv/bin/python bench/backup.py --stories 10000 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/newsroom_backup_bench

For each size it:

1. drops and creates ``<name>_<stories>_src``, migrates it and fills it with ``generate_newsroom``
   (stories with bylines, tags and sources), then gives every story a history written in
   bulk: a revision when it was created, another for a published story's edit, and its
   workflow transitions (submitted; published); and builds the search index, as a
   production database has it;
2. runs ``manage.py backup`` on it, in a child process;
3. drops and creates ``<name>_dst``, migrates it, and runs ``manage.py restore`` into it,
   in a child process, with an empty media folder;
4. checks that every table of the copy holds the same number of rows as the original;
5. for comparison, times ``pg_dump --format=custom`` of the original and ``pg_restore`` of
   that dump into ``<name>_dst`` made anew, and checks the row counts again.

Each child's wall time and peak memory (its resident set's high-water mark, VmHWM)
are measured, and its progress lines are shown as they come. The summary gives rows per
second, the archive's size, and how much time per row grew from the smallest size to the
largest: 1.0× is linear. The figures are also written to
``bench/results/backup-postgresql.json``. The database name must end in ``_bench``;
the databases are dropped at the end unless ``--keep``; ``--reuse`` then skips making a
source database again (the slow part: about 15 minutes for 100,000 stories here).
"""

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


@dataclass
class Run:
    stories: int
    rows: int = 0
    archive_mb: float = 0.0
    backup_seconds: float = 0.0
    backup_cpu_seconds: float = 0.0
    backup_peak_mb: float = 0.0
    restore_seconds: float = 0.0
    restore_cpu_seconds: float = 0.0
    restore_peak_mb: float = 0.0
    dump_mb: float = 0.0
    pg_dump_seconds: float = 0.0
    pg_restore_seconds: float = 0.0

    @property
    def backup_rate(self) -> float:
        return self.rows / self.backup_seconds

    @property
    def restore_rate(self) -> float:
        return self.rows / self.restore_seconds


def log(message: str) -> None:
    print(message, flush=True)


def database_url(base: str, suffix: str) -> str:
    return f"{base.rsplit('/', 1)[0]}/{base.rsplit('/', 1)[1]}_{suffix}"


def recreate(url: str, *, drop_only: bool = False) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with connect(url, dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    assert psycopg  # imported for connect()


def connect(url: str, *, dbname: str | None = None):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        dbname=dbname or config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


def table_counts(url: str) -> dict[str, int]:
    with connect(url) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def child(env: dict, label: str, *args: str) -> tuple[float, float, float]:
    """Run ``manage.py args`` with its progress shown; return its wall and CPU seconds and peak memory in MB.

    CPU seconds (user and system, the child's own) tell the work from the waiting, on a
    machine shared with other work; they leave out PostgreSQL's own time.

    The peak is the child's own high-water mark (VmHWM in /proc), read while it runs: the
    rusage of a child counts the parent's memory at the fork, which would hide the child's.
    """
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "manage.py"), *args],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak_kb, finished = 0, threading.Event()

    def watch() -> None:
        nonlocal peak_kb
        status = Path(f"/proc/{process.pid}/status")
        while not finished.is_set():  # not poll(): that would reap the child before wait4 reads its usage
            with contextlib.suppress(OSError, ValueError, StopIteration):
                line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
                peak_kb = max(peak_kb, int(line.split()[1]))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    for line in process.stdout:
        log(f"    {label} {time.monotonic() - started:6.1f}s | {line.rstrip()}")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    finished.set()
    watcher.join()
    seconds = time.monotonic() - started
    if process.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed with status {process.returncode}.")
    return seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024


def timed(*command: str) -> float:
    started = time.monotonic()
    subprocess.run(command, check=True)
    return time.monotonic() - started


def same_rows(original: dict[str, int], copy: dict[str, int]) -> None:
    """Every table holds as many rows in the copy (content types and permissions: made by migrate, the same)."""
    differences = {table: (count, copy.get(table)) for table, count in original.items() if copy.get(table) != count}
    if differences:
        sys.exit(f"The restored database differs from the original (table: original, copy): {differences}")


def environment(url: str, media: Path) -> dict:
    return {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "DEBUG": "0"}


def add_history(batch_size: int = 2000) -> int:
    """Give every story the revisions and transitions the workflow would have written; return rows added."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles.models import Article, Revision, Transition

    user_model = get_user_model()
    journalist, _ = user_model.objects.get_or_create(username="bench-journalist", defaults={"is_staff": True})
    editor, _ = user_model.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    stories = Article.objects.order_by("pk").values_list(
        "pk", "title", "kicker", "standfirst", "body", "section_id", "section__name", "status", "created_at",
        "published_at",
    )  # fmt: skip
    added, last_pk = 0, 0
    while batch := list(stories.filter(pk__gt=last_pk)[:batch_size]):
        revisions, transitions = [], []
        for pk, title, kicker, standfirst, body, section_id, section_name, status, created_at, published_at in batch:
            content = {
                "title": title, "kicker": kicker, "standfirst": standfirst, "body": body,
                "section": {"id": section_id, "name": section_name}, "lead_picture": {}, "authors": [], "sources": [],
                "tags": [],
            }  # fmt: skip
            revisions.append(Revision(article_id=pk, number=1, content=content, note="Created", created_by=journalist))
            if status != Article.Status.DRAFT:
                transitions.append(
                    Transition(article_id=pk, from_status="draft", to_status="in_review", action="submit",
                               actor=journalist, at=created_at)
                )  # fmt: skip
            if status == Article.Status.PUBLISHED:
                edited = {**content, "body": body.replace(".", ";", 1)}
                revisions.append(Revision(article_id=pk, number=2, content=edited, created_by=editor))
                transitions.append(
                    Transition(article_id=pk, from_status="in_review", to_status="published", action="publish",
                               note="Good to go.", actor=editor, at=published_at)
                )  # fmt: skip
        with transaction.atomic():
            Revision.objects.bulk_create(revisions)
            Transition.objects.bulk_create(transitions)
        added += len(revisions) + len(transitions)
        last_pk = batch[-1][0]
    return added


def prepare_source(url: str, stories: int, media: Path, *, reuse: bool) -> None:
    """A source database of ``stories`` stories with their history and search index (kept from before if asked)."""
    if reuse and existing_stories(url) == stories:
        log(f"  reusing {url}, which holds {stories:,} stories")
        return
    recreate(url)
    env = environment(url, media)
    started = time.monotonic()
    child(env, "migrate", "migrate", "--no-input", "-v0")
    child(env, "generate", "generate_newsroom", "--stories", str(stories))
    child(env, "history", "shell", "-v0", "-c", "import bench.backup; print(bench.backup.add_history(), 'rows added')")
    # As in production, where every save keeps its story's search vector current.
    child(env, "index", "update_search_index", "--batch-size", "2000", "-v0")
    log(f"  source database ready in {time.monotonic() - started:.0f} s")


def existing_stories(url: str) -> int | None:
    import psycopg

    try:
        with connect(url) as connection:
            return connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    except psycopg.Error:
        return None


def measure(base_url: str, stories: int, scratch: Path, *, reuse: bool) -> Run:
    source, target = database_url(base_url, f"{stories}_src"), database_url(base_url, "dst")
    log(f"\n== {stories:,} stories ==")
    run = Run(stories=stories)
    archive = scratch / f"newsroom-{stories}.tar.gz"
    source_media, target_media = scratch / f"media-src-{stories}", scratch / f"media-dst-{stories}"
    source_media.mkdir()
    prepare_source(source, stories, source_media, reuse=reuse)

    log("  backup:")
    run.backup_seconds, run.backup_cpu_seconds, run.backup_peak_mb = child(
        environment(source, source_media), "backup", "backup", str(archive)
    )
    run.archive_mb = archive.stat().st_size / 1024 / 1024

    recreate(target)
    child(environment(target, target_media), "migrate", "migrate", "--no-input", "-v0")
    log("  restore:")
    run.restore_seconds, run.restore_cpu_seconds, run.restore_peak_mb = child(
        environment(target, target_media), "restore", "restore", str(archive)
    )

    original = table_counts(source)
    same_rows(original, table_counts(target))
    run.rows = sum(
        count
        for table, count in original.items()
        if table not in ("django_migrations", "django_content_type", "auth_permission")  # made by migrate
    )
    archive.unlink()

    log("  pg_dump and pg_restore, for comparison:")
    dump = scratch / f"newsroom-{stories}.dump"
    run.pg_dump_seconds = timed("pg_dump", "--format=custom", f"--file={dump}", source)
    run.dump_mb = dump.stat().st_size / 1024 / 1024
    recreate(target)
    run.pg_restore_seconds = timed("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump))
    same_rows(original, table_counts(target))
    dump.unlink()
    log(f"  pg_dump {run.pg_dump_seconds:.1f} s ({run.dump_mb:.0f} MB), pg_restore {run.pg_restore_seconds:.1f} s")
    log(
        f"  {run.rows:,} rows: backup {run.backup_seconds:.1f} s ({run.backup_cpu_seconds:.1f} s CPU, "
        f"{run.backup_rate:,.0f} rows/s, "
        f"peak {run.backup_peak_mb:.0f} MB), restore {run.restore_seconds:.1f} s ({run.restore_cpu_seconds:.1f} s CPU, "
        f"{run.restore_rate:,.0f} rows/s, "
        f"peak {run.restore_peak_mb:.0f} MB), archive {run.archive_mb:.0f} MB; every table's rows arrived"
    )
    return run


def summary(runs: list[Run]) -> str:
    lines = [
        "| Stories | Rows | Archive (MB) | Backup (s) | Backup CPU (s) | Backup rows/s | Backup peak (MB) "
        "| Restore (s) | Restore CPU (s) | Restore rows/s | Restore peak (MB) | pg_dump (s) | Dump (MB) "
        "| pg_restore (s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run.stories:,} | {run.rows:,} | {run.archive_mb:,.0f} | {run.backup_seconds:.1f} "
            f"| {run.backup_cpu_seconds:.1f} | {run.backup_rate:,.0f} | {run.backup_peak_mb:.0f} "
            f"| {run.restore_seconds:.1f} | {run.restore_cpu_seconds:.1f} | {run.restore_rate:,.0f} "
            f"| {run.restore_peak_mb:.0f} | {run.pg_dump_seconds:.1f} | {run.dump_mb:,.0f} "
            f"| {run.pg_restore_seconds:.1f} |"
        )
    if len(runs) > 1:
        small, large = runs[0], runs[-1]

        def growth(attribute: str) -> str:
            return f"{getattr(large, attribute) / getattr(small, attribute):.1f}×"

        lines += [
            "",
            f"From {small.stories:,} to {large.stories:,} stories the rows grew {large.rows / small.rows:.1f}×. "
            f"Backup: wall time {growth('backup_seconds')}, CPU time {growth('backup_cpu_seconds')}, "
            f"peak memory {small.backup_peak_mb:.0f} → {large.backup_peak_mb:.0f} MB. "
            f"Restore: wall time {growth('restore_seconds')}, CPU time {growth('restore_cpu_seconds')}, "
            f"peak memory {small.restore_peak_mb:.0f} → {large.restore_peak_mb:.0f} MB. "
            f"Time per row grew {small.backup_rate / large.backup_rate:.2f}× (backup) and "
            f"{small.restore_rate / large.restore_rate:.2f}× (restore); 1.00× is linear.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[10_000, 100_000], help="Sizes, smallest first.")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/newsroom_backup_bench",
        help="PostgreSQL URL whose name ends in _bench; <name>_<stories>_src and <name>_dst are dropped and created.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument(
        "--reuse", action="store_true", help="Use a kept source database that holds the right number of stories."
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must be a PostgreSQL URL.")
    if not args.database_url.rsplit("/", 1)[1].endswith("_bench"):
        sys.exit("Refusing: the benchmark drops and creates databases; the name must end in _bench.")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

    with connect(args.database_url, dbname="postgres") as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]
    log(f"Database: PostgreSQL {version}, {args.database_url}_<stories>_src and …_dst")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="newsroom-backup-bench-") as scratch:
        runs = [measure(args.database_url, size, Path(scratch), reuse=args.reuse) for size in sorted(args.stories)]
    report = summary(runs)
    log(f"\n{report}")
    # The machine's other work slows every figure here: say how busy it was.
    log(f"Load average (1 min) at the start: {load_before:.1f}, at the end: {os.getloadavg()[0]:.1f}.")

    results = PROJECT / "bench" / "results"
    results.mkdir(exist_ok=True)
    output = results / "backup-postgresql.json"
    output.write_text(json.dumps([asdict(run) for run in runs], indent=2) + "\n")
    log(f"\nFigures written to {output.relative_to(PROJECT)}")
    if not args.keep:
        for suffix in [f"{size}_src" for size in args.stories] + ["dst"]:
            recreate(database_url(args.database_url, suffix), drop_only=True)


if __name__ == "__main__":
    main()
