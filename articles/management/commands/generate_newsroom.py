import time

from django.core.management.base import BaseCommand, CommandError
from taggit.models import Tag

from articles.demo.archive import generate_archive
from articles.models import Article, Byline, TaggedArticle
from authors.models import Author
from common.database import refresh_planner_statistics
from pagecache.generation import everything_changed


class Command(BaseCommand):
    help = (
        "Add a synthetic archive for benchmarks: stories spread over ten years (about 93% published, "
        "2% scheduled, the rest drafts and stories in review), with authors, sections and tags. Bulk inserts; "
        "on PostgreSQL with their search vectors and full-text indexes built too (no update_search_index needed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=100_000)
        parser.add_argument("--authors", type=int, default=300)
        parser.add_argument("--sections", type=int, default=12)
        parser.add_argument("--tags", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same archive.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, stories, authors, sections, tags, seed, batch_size, verbosity, **options) -> None:
        for name, value in (("--stories", stories), ("--authors", authors), ("--sections", sections)):
            if value < 1:
                raise CommandError(f"{name} must be at least 1.")
        if tags < 0 or batch_size < 1:
            raise CommandError("--tags must be 0 or more and --batch-size at least 1.")

        def progress(message: str) -> None:
            if verbosity:
                self.stdout.write(message)

        started = time.monotonic()
        report = generate_archive(
            stories=stories, authors=authors, sections=sections, tags=tags, seed=seed,
            batch_size=batch_size, progress=progress,
        )  # fmt: skip
        everything_changed()  # bulk inserts send no signals: invalidate cached pages here
        Article.objects.filter(page_parts={}).refresh_page_parts()  # nor write what story pages store
        if verbosity:
            self.stdout.write("Refreshing the planner's statistics (VACUUM ANALYZE)…")
        analysing = time.monotonic()
        refresh_planner_statistics(Article, Byline, TaggedArticle, Author, Tag)
        report.phases["VACUUM ANALYZE"] = time.monotonic() - analysing
        if verbosity and report.phases:
            phases = ", ".join(f"{name} {seconds:.0f}s" for name, seconds in report.phases.items())
            self.stdout.write(f"Where the time went: {phases}")
        seconds = time.monotonic() - started
        states = ", ".join(f"{count:,} {status}" for status, count in sorted(report.by_status.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.stories:,} stories ({states}), {report.authors:,} authors, "
                f"{report.sections} sections and {report.tags:,} tags in {seconds:.1f}s "
                f"({report.stories / max(seconds, 0.001):,.0f} stories/s)"
                + ("; search index built." if report.search_indexed else ".")
            )
        )
