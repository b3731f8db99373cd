from django.core.management.base import BaseCommand

from notifications import delivery


class Command(BaseCommand):
    help = (
        "Send the notification e-mails still owed (after SMTP failures), and with --digests the daily digests. "
        "Safe to run any number of times; beat runs it, or run it from cron where no beat runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--digests", action="store_true", help="Also send the daily digests now.")

    def handle(self, *args, digests: bool = False, **options) -> None:
        sent = delivery.send_pending_emails()
        self.stdout.write(f"{sent} owed notification e-mail(s) sent or no longer owed.")
        if digests:
            self.stdout.write(f"{delivery.send_digests()} digest(s) sent.")
