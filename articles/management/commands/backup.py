from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write the whole newsroom (database content and uploaded media) to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write the archive (default: backups/newsroom-<date>.tar.gz)."
        )

    def handle(self, *args, path: str | None, verbosity: int, **options) -> None:
        target = Path(path or f"backups/newsroom-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        if target.exists():
            raise CommandError(f"{target} already exists; choose another name rather than overwrite a backup.")
        self.stdout.write(f"Backing up to {target}…")
        try:
            report = create_backup(target, progress=self.stdout.write if verbosity else lambda message: None)
        except (BackupError, OSError) as error:
            target.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        size = target.stat().st_size / 1024 / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {sum(report.objects.values()):,} objects and {report.media_files:,} media files "
                f"to {target} ({size:.1f} MB) in {report.seconds:.1f}s."
            )
        )
