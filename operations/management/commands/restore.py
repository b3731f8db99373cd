from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.log import record
from audit.models import Event
from operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a newsroom from an archive made by `backup`, into an empty database migrated to the same "
        "point (run `migrate` first) and an empty media folder. All of it is restored, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .tar.gz archive made by `backup`.")

    def handle(self, *args, path: str, verbosity: int, **options) -> None:
        self.stdout.write(f"Restoring from {path}…")
        try:
            report = restore_backup(Path(path), progress=self.stdout.write if verbosity else lambda message: None)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(report.objects.values())
        record(None, Event.RESTORE, username="restore", target=path, details=f"{rows} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows:,} rows of {len(report.objects)} tables and {report.media_files:,} media files "
                f"in {report.seconds:.1f}s ({rows / max(report.seconds, 0.001):,.0f} rows/s)."
            )
        )
