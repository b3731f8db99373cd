from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.log import record
from audit.models import Event
from operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write the whole newsroom (every table and every uploaded file) to one new .tar.gz archive, "
        "read from one consistent snapshot of the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write the archive (default: backups/newsroom-<date>.tar.gz)."
        )

    def handle(self, *args, path: str | None, verbosity: int, **options) -> None:
        target = Path(path or f"backups/newsroom-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        self.stdout.write(f"Backing up to {target}…")
        try:
            report = create_backup(target, progress=self.stdout.write if verbosity else lambda message: None)
        except BackupError as error:
            raise CommandError(str(error)) from None
        record(None, Event.BACKUP, username="backup", target=target, details=f"{sum(report.objects.values())} rows")
        size = target.stat().st_size / 1024 / 1024
        rows = sum(report.objects.values())
        rate = rows / max(report.seconds, 0.001)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {rows:,} rows of {len(report.objects)} tables and {report.media_files:,} media files "
                f"to {target} ({size:,.1f} MB) in {report.seconds:.1f}s ({rate:,.0f} rows/s)."
            )
        )
