from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.ingest.importer import Format, Importer, ItemResult, Outcome
from articles.models import Section
from audit.log import record
from audit.models import Event

STYLES = {
    Outcome.CREATED: "SUCCESS",
    Outcome.UPDATED: "SUCCESS",
    Outcome.ALREADY_IMPORTED: "NOTICE",
    Outcome.NOT_APPLIED: "WARNING",
    Outcome.REFUSED: "ERROR",
}


class Command(BaseCommand):
    help = (
        "Import stories from plain-text files (like the sample), IPTC ninjs JSON or RSS/Atom feeds (files or "
        "http(s) URLs). Each item becomes a story in review, never published; an item already imported is "
        "not imported twice. Prints one line per item and a summary; exits with status 1 if any item was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files, folders (read with subfolders) or URLs.")
        parser.add_argument("--section", required=True, help="Slug of the section the stories go into, e.g. world.")
        parser.add_argument(
            "--format",
            choices=[choice.value for choice in Format],
            default=Format.AUTO.value,
            help="Format of every file (default: auto, from the extension, else from the content).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything and report what would happen, saving nothing: the import runs in a "
            "transaction that is rolled back at the end.",
        )

    def handle(self, *args, paths: list[str], section: str, format: str, dry_run: bool, verbosity: int, **options):
        chosen = Section.objects.filter(slug=section).first()
        if chosen is None:
            slugs = ", ".join(Section.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"There is no section “{section}”. Sections: {slugs}.")

        def show(result: ItemResult) -> None:
            if verbosity > 0 or result.outcome == Outcome.REFUSED:
                self.stdout.write(getattr(self.style, STYLES[result.outcome])(result.line(dry_run=dry_run)))

        importer = Importer(section=chosen, user=None, fmt=Format(format), on_result=show)
        with transaction.atomic() if dry_run else nullcontext():
            for path in paths:
                if path.startswith(("http://", "https://")):
                    importer.import_url(path)
                else:
                    importer.import_path(Path(path))
            if dry_run:
                transaction.set_rollback(True)

        report = importer.report
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(f"{prefix}{report.summary()}")
        if not dry_run:
            record(
                None, Event.IMPORT_RUN, username="import_story", target=chosen, details=f"{paths}: {report.summary()}"
            )
        if report.refused:
            raise CommandError(f"{report.refused} {'item was' if report.refused == 1 else 'items were'} refused.")
