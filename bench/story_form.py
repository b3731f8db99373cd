#!/usr/bin/env python
"""Server time of opening and saving the story form of a big story: 20 bylines, 30 tags, 200 revisions.

    .venv/bin/python bench/story_form.py                    # fresh SQLite database, 20 of each
    .venv/bin/python bench/story_form.py --requests 50
    .venv/bin/python bench/story_form.py --database-url postgres://postgres@127.0.0.1:5432/story_form_bench

Issue 11's target: opening a story for editing is under 300 ms of server time with 20 bylines,
30 tags and 200 revisions, and saving is under 300 ms without a new picture.

A child process (DEBUG off, static files collected into a temporary folder as in production) makes a
fresh database (SQLite in a temporary folder; with ``--database-url`` a PostgreSQL database of that name,
dropped and created again), a published story with 20 bylines, 30 tags and 200 revisions, and an editor
logged in through Django's test client. It then GETs the story's change view ``--requests`` times and
POSTs the form back unchanged (as a browser would send it, read from the page) ``--requests`` times, each
with the story's current version, as a fresh page would carry it. The time measured is the server's,
in-process, from the request to the response, including what runs when the save commits. It prints
each phase's median, p90 and max, the queries per request, and whether the 300 ms target is met
(by the p90). No pass or fail exit code: figures for docs/performance.md.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

TARGET_MS = 300
BYLINES, TAGS, REVISIONS = 20, 30, 200


def big_story():
    """A published story with ``BYLINES`` bylines, ``TAGS`` tags and ``REVISIONS`` revisions."""
    from articles import revisions
    from articles.models import Revision
    from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

    paragraphs = "\n\n".join(f"Paragraph {n} of a long story, with enough words to be a real one." for n in range(40))
    story = ArticleFactory(
        title="Ukraine is closer to NATO membership",
        body=paragraphs,
        section=SectionFactory(name="World", slug="world"),
        authors=[AuthorFactory(name=f"Reporter {n}", slug=f"reporter-{n}") for n in range(BYLINES)],
        tags=[f"Tag {n}" for n in range(TAGS)],
    )
    content = revisions.snapshot(story)
    Revision.objects.bulk_create(
        Revision(article=story, number=number, content={**content, "body": f"{content['body']}\n\nDraft {number}."})
        for number in range(1, REVISIONS + 1)
    )
    return story


def figures(name: str, times: list[float], queries: list[int]) -> bool:
    ordered = sorted(times)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    print(
        f"  {name}: median {statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms; queries per request {min(queries)}–{max(queries)}",
        flush=True,
    )
    return p90 * 1000 < TARGET_MS


def child(requests: int) -> None:
    """In the child process, with the environment set: migrate, make the story, then measure."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts import two_factor
    from articles.models import Article
    from bench.editors_under_load import form_fields
    from tests.factories import staff_user

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    story = big_story()
    client = Client()
    client.force_login(staff_user("editor", "Editor", author_name="Priya Raman"))
    session = client.session  # signed in with the second factor too, as the editor would be
    session[two_factor.SESSION_KEY] = two_factor.VERIFIED
    session.save()
    url = f"/admin/articles/article/{story.pk}/change/"
    print(
        f"  {connection.vendor}: a story with {story.bylines.count()} bylines, {story.tags.count()} tags, "
        f"{story.revisions.count()} revisions",
        flush=True,
    )

    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    def timed(call) -> tuple[float, int, object]:
        counted[0] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
        return elapsed, counted[0], response

    client.get(url)  # the first request of a process pays for imports and template compilation
    opening, opening_queries = [], []
    for _ in range(requests):
        elapsed, queries, response = timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        opening.append(elapsed)
        opening_queries.append(queries)
    form = form_fields(client.get(url).content.decode())

    saving, saving_queries = [], []
    first_version = Article.objects.values_list("version", flat=True).get(pk=story.pk)
    for _ in range(requests):
        # The version a page opened now would carry: each save moves it on.
        data = {**form, "opened_version": Article.objects.values_list("version", flat=True).get(pk=story.pk)}
        elapsed, queries, response = timed(lambda data=data: client.post(url, data))
        saved = response.status_code == 302 and response.url.endswith("/admin/articles/article/")
        assert saved, response.content[:3000]
        saving.append(elapsed)
        saving_queries.append(queries)
    story.refresh_from_db()
    assert story.version == first_version + requests, "not every POST saved the story"
    assert (story.bylines.count(), story.tags.count()) == (BYLINES, TAGS), "the unchanged form changed the story"

    opened = figures(f"open ({requests} GETs of the change view)", opening, opening_queries)
    saved = figures(f"save ({requests} POSTs of the unchanged form)", saving, saving_queries)
    print(f"  target {TARGET_MS} ms: {'met' if opened and saved else 'missed'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="GETs and POSTs each (default 20)")
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default: fresh SQLite)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.requests)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-story-form-"))
    database_url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    if database_url.startswith("postgres"):
        name = urllib.parse.urlsplit(database_url).path.lstrip("/")
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"',
                        "-c", f'CREATE DATABASE "{name}"'], check=True)  # fmt: skip
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    try:
        subprocess.run(
            [sys.executable, __file__, "--child", "--requests", str(args.requests)], cwd=PROJECT, env=env, check=True
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
