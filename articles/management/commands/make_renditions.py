from django.core.management.base import BaseCommand, CommandError
from PIL import UnidentifiedImageError

from newsroom.image_lifecycle import MANAGED_IMAGES
from newsroom.renditions import ensure_renditions


class Command(BaseCommand):
    help = (
        "Make the missing renditions of every story's lead image and every author's photo "
        "(all of them again with --force). Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Make every rendition again, even those that exist.")

    def handle(self, *args, force: bool, **options) -> None:
        checked = made = files = 0
        failed: list[str] = []
        for managed in MANAGED_IMAGES:
            storage = managed.field.storage
            names = list(managed.rows_with_images().values_list(managed.field_name, flat=True).distinct())
            label = managed.model._meta.verbose_name_plural
            self.stdout.write(f"{label.capitalize()}: {len(names)} image{'s' if len(names) != 1 else ''}")
            for position, name in enumerate(names, start=1):
                checked += 1
                try:
                    written = ensure_renditions(storage, name, force=force)
                except (OSError, UnidentifiedImageError, ValueError) as error:
                    # A missing or unreadable original: say which, and carry on with the rest.
                    failed.append(name)
                    self.stderr.write(f"  [{position}/{len(names)}] {name}: failed ({error})")
                    continue
                if written:
                    made += 1
                    files += written
                    self.stdout.write(f"  [{position}/{len(names)}] {name}: {written} files written")
                elif options["verbosity"] > 1:
                    self.stdout.write(f"  [{position}/{len(names)}] {name}: complete")
        summary = (
            f"{checked} image{'s' if checked != 1 else ''} checked: {made} given renditions ({files} files), "
            f"{checked - made - len(failed)} already complete, {len(failed)} failed."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
