from django.core.management.base import BaseCommand

from coordination.demo import load_demo_desk


class Command(BaseCommand):
    help = (
        "After load_demo: give the demo logins e-mail addresses and plan a few of today's stories, "
        "assigned to the demo journalist. Only creates what is missing."
    )

    def handle(self, *args, verbosity: int, **options) -> None:
        created = load_demo_desk()
        if verbosity:
            for item in created:
                self.stdout.write(f"  created {item}")
            self.stdout.write(self.style.SUCCESS(f"Demo desk ready: {len(created)} things created."))
