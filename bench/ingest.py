"""Benchmark the importer: N generated plain-text stories and N ninjs items into a fresh database.

    .venv/bin/python bench/ingest.py --items 10000
    .venv/bin/python bench/ingest.py --items 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/newsroom_ingest_bench

Without ``--database-url`` it creates, migrates and uses a throwaway SQLite file.
With a PostgreSQL URL the database it names is dropped and created anew, so its
name must end in ``_bench``; it is dropped again at the end unless ``--keep``.

Files are generated into a temporary folder first (plain-text stories one per
file, ninjs items ``--per-file`` to a file, every file under the 2 MB limit),
then imported exactly as ``manage.py import_story`` would, one transaction per
item. Prints progress, then the time and items per second for each format, and
writes the figures to ``bench/results/ingest-<database>.json``.
"""

import argparse
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "minister", "council", "agreement", "border", "energy", "winter", "talks", "summit", "budget", "election",
    "court", "ruling", "market", "shares", "port", "grain", "harbour", "bridge", "railway", "city", "region",
    "parliament", "vote", "reform", "army", "drone", "missile", "defence", "aid", "alliance", "treaty", "visit",
    "capital", "president", "mayor", "police", "strike", "union", "wages", "prices", "inflation", "bank", "rate",
    "school", "hospital", "doctors", "climate", "flood", "storm", "river", "harvest", "farmers", "exports",
]  # fmt: skip
NAMES = [f"{first} {last}" for first in ("Anna", "Ivan", "Maria", "Olek", "Sara", "Tomas", "Lena", "Yuri")
         for last in ("Koval", "Berg", "Novak", "Shevchenko", "Dahl")]  # fmt: skip
AGENCIES = ["Meridian Wire", "Harbour Press", "Eastern News Agency", "Continental Wire", "Daily Partner"]
TAGS = [f"{word.capitalize()} {n}" for word in WORDS[:40] for n in range(5)]


def sentence(rng: random.Random, words: int) -> str:
    chosen = rng.choices(WORDS, k=words)
    return " ".join(chosen).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))


def text_story(rng: random.Random, number: int) -> str:
    lines = [f"Story {number}: {sentence(rng, 7)[:-1]}"]
    lines.append(f"Tags: {', '.join(rng.sample(TAGS, rng.randint(3, 6)))}")
    for part in range(rng.randint(2, 3)):
        if part:
            lines.append(" ".join(rng.choices(WORDS, k=3)).capitalize())  # a subheading
        lines.extend(paragraph(rng) for _ in range(rng.randint(3, 5)))
    lines.append(f"Source: {rng.choice(AGENCIES)}")
    lines.append("")
    lines.append(f"I am {rng.choice(NAMES)}, a correspondent for Buna Times. I write about the region.")
    return "\n".join(lines)


def ninjs_item(rng: random.Random, number: int) -> dict:
    body = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(4, 9)))
    return {
        "uri": f"urn:newsml:bench.example:{number}",
        "type": "text",
        "versioncreated": "2024-10-03T09:30:00Z",
        "headline": f"Wire {number}: {sentence(rng, 7)[:-1]}",
        "byline": f"By {rng.choice(NAMES)}",
        "located": rng.choice(["Kyiv", "Warsaw", "Brussels", "Odesa"]),
        "copyrightholder": rng.choice(AGENCIES),
        "subject": [{"name": tag} for tag in rng.sample(TAGS, rng.randint(2, 5))],
        "description_text": sentence(rng, 15),
        "body_html": f"<h2>{sentence(rng, 3)[:-1]}</h2>{body}",
    }


def generate(folder: Path, items: int, per_file: int) -> tuple[Path, Path]:
    rng = random.Random(20241003)
    text_dir, ninjs_dir = folder / "text", folder / "ninjs"
    text_dir.mkdir()
    ninjs_dir.mkdir()
    for number in range(1, items + 1):
        (text_dir / f"story-{number:06d}.txt").write_text(text_story(rng, number), encoding="utf-8")
    for start in range(1, items + 1, per_file):
        batch = [ninjs_item(rng, number) for number in range(start, min(start + per_file, items + 1))]
        (ninjs_dir / f"wire-{start:06d}.json").write_text(json.dumps(batch), encoding="utf-8")
    return text_dir, ninjs_dir


class Progress:
    """Prints how far an import has got: on one changing line in a terminal, every 1,000 items in a log."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.started = time.monotonic()
        self.terminal = sys.stdout.isatty()

    def __call__(self, result) -> None:
        self.done += 1
        if self.done % (200 if self.terminal else 1000) == 0:
            rate = self.done / (time.monotonic() - self.started)
            line = f"  {self.label}: {self.done:,}/{self.total:,} ({rate:,.0f} items/s)"
            print(f"\r{line}" if self.terminal else line, end="" if self.terminal else "\n", flush=True)

    def finish(self, summary: str) -> None:
        print(f"\r{summary}{' ' * 20}" if self.terminal else summary, flush=True)


def recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to drop and recreate “{name}”: a benchmark database's name must end in _bench.")
    admin = psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="Items of each format (default 10000).")
    parser.add_argument("--per-file", type=int, default=500, help="ninjs items per file (default 500).")
    parser.add_argument("--database-url", help="A PostgreSQL URL whose database name ends in _bench.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-ingest-bench-") as scratch:
        folder = Path(scratch)
        postgres = bool(args.database_url and args.database_url.startswith(("postgres://", "postgresql://")))
        if postgres:
            recreate_postgres(args.database_url)
            os.environ["DATABASE_URL"] = args.database_url
        elif args.database_url:
            sys.exit("--database-url takes a PostgreSQL URL; leave it out for a throwaway SQLite file.")
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        # Production-like settings: no debug (so no query log growing in memory), a throwaway key.
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"

        print(f"Generating {args.items:,} plain-text stories and {args.items:,} ninjs items…", flush=True)
        started = time.monotonic()
        text_dir, ninjs_dir = generate(folder, args.items, args.per_file)
        print(f"  done in {time.monotonic() - started:.1f} s", flush=True)

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from articles.ingest.importer import Importer, Outcome
        from articles.models import Article, Section

        call_command("migrate", verbosity=0)
        section = Section.objects.create(name="World", slug="world")
        database = f"{connection.vendor} {connection.get_database_version()}"
        print(f"Database: {database} ({connection.settings_dict['NAME']})", flush=True)

        figures = {"database": database, "items": args.items, "formats": {}}
        for label, source in (("plain text", text_dir), ("ninjs", ninjs_dir)):
            progress = Progress(label, args.items)
            importer = Importer(section=section, on_result=progress)
            importer.import_path(source)
            elapsed = time.monotonic() - progress.started
            report = importer.report
            created = report.count(Outcome.CREATED)
            rate = created / elapsed
            progress.finish(
                f"{label}: {created:,} created, {report.refused} refused in {elapsed:.1f} s = {rate:,.0f} items/s"
            )
            if created != args.items:
                failures = [result.line() for result in report.results if result.outcome != Outcome.CREATED][:5]
                sys.exit(f"Expected {args.items} stories, got {created}: {failures}")
            figures["formats"][label] = {"seconds": round(elapsed, 2), "items_per_second": round(rate)}
        print(f"Stories in the database: {Article.objects.count():,}")
        connection.close()

    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    output = results / f"ingest-{'postgresql' if postgres else 'sqlite'}.json"
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Figures written to {output.relative_to(ROOT)}")
    if postgres and not args.keep:
        recreate_postgres(args.database_url, drop_only=True)


if __name__ == "__main__":
    main()
