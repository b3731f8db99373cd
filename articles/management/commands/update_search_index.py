from time import monotonic

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.search import rebuild_headline_index, rebuild_search_index, uses_full_text
from common.database import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Rebuild the stored full-text search vector of every story (drafts too, so they are ready when "
        "published), in batches. Run it after migrating to a version with search, after changing "
        "SEARCH_CONFIG and after bulk imports; it is safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Stories per batch (default: 500).")

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not uses_full_text():
            self.stdout.write("This database is not PostgreSQL: search reads the stories' text, nothing to index.")
            return
        started = monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {done} of {total} stories indexed")

        done = rebuild_search_index(batch_size=batch_size, progress=progress)
        rebuild_headline_index()  # in case SEARCH_CONFIG changed
        refresh_planner_statistics(Article)  # every row was rewritten
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {done} stories in {monotonic() - started:.1f}s."))
