from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo import demo_totp_secret, load_demo


class Command(BaseCommand):
    help = (
        "Create the Buna Times demo newsroom: sections, journalists, sources, the sample story and a dozen "
        "more. Only creates what is missing, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            action="store_true",
            default=None,
            help="Also create the demo editor and journalist logins (default: only when DEBUG is on).",
        )
        parser.add_argument("--no-accounts", dest="accounts", action="store_false")

    def handle(self, *args, accounts: bool | None, verbosity: int, **options) -> None:
        with_accounts = settings.DEBUG if accounts is None else accounts
        report = load_demo(with_accounts=with_accounts)
        if verbosity == 0:
            return
        for item in report.created:
            self.stdout.write(f"  created {item}")
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"Demo newsroom ready: {len(report.created)} things created."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo newsroom already loaded: nothing to change."))
        if report.accounts:
            self.stdout.write(f"\nDemo logins for {settings.SITE_URL}/admin/ (local use only):")
            for account in report.accounts:
                self.stdout.write(
                    f"  {account.role.lower():<11} username: {account.username:<11} password: {account.password}"
                )
                if account.two_factor:
                    self.stdout.write(
                        f"  {'':<11} two-factor key for an authenticator app: {demo_totp_secret()}"
                        f" (or `manage.py demo_code {account.username}` prints the current code)"
                    )
        elif not with_accounts:
            self.stdout.write("No demo logins created (DEBUG is off); pass --accounts to create them.")
