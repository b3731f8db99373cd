from django.core.management.base import BaseCommand

from coordination.assignments import send_reminders


class Command(BaseCommand):
    help = (
        "Remind assignees (and the assigning editor) an hour before a plan's deadline and once it has passed. "
        "Each reminder is sent once: run it every minute (beat does; else cron or a systemd timer)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{send_reminders()} reminder(s) sent.")
