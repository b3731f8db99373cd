from django.core.management.base import BaseCommand, CommandError
from PIL import UnidentifiedImageError

from images.lifecycle import MANAGED_IMAGES
from images.renditions import ensure_crops, ensure_renditions


class Command(BaseCommand):
    help = (
        "Make the missing renditions of every library picture (with its focal-point crops: stories' lead "
        "pictures and authors' photos are library pictures) and every story's social image "
        "(all of them again with --force). Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Make every rendition again, even those that exist.")

    def handle(self, *args, force: bool, **options) -> None:
        checked = made = files = 0
        failed: list[str] = []
        for managed in MANAGED_IMAGES:
            storage = managed.field.storage
            names = managed.stored_names()
            label = managed.model._meta.verbose_name_plural
            self.stdout.write(f"{label.capitalize()}: {_count(len(names), 'image')}")
            for position, name in enumerate(names, start=1):
                checked += 1
                try:
                    written = ensure_renditions(storage, name, force=force)
                    focus = managed.focal_point(name)
                    if focus is not None:
                        written += ensure_crops(storage, name, focus, force=force)
                except (OSError, UnidentifiedImageError, ValueError) as error:
                    # A missing or unreadable original: say which, and carry on with the rest.
                    failed.append(name)
                    self.stderr.write(f"  [{position}/{len(names)}] {name}: failed ({error})")
                    continue
                if written:
                    made += 1
                    files += written
                    self.stdout.write(f"  [{position}/{len(names)}] {name}: {_count(written, 'file')} written")
                elif options["verbosity"] > 1:
                    self.stdout.write(f"  [{position}/{len(names)}] {name}: complete")
        summary = (
            f"{_count(checked, 'image')} checked: {made} given renditions ({_count(files, 'file')}), "
            f"{checked - made - len(failed)} already complete, {len(failed)} failed."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
