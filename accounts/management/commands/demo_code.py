from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo account (load_demo --accounts), whose key is public. "
        "Any other account's code is refused: it lives on its owner's phone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY).first() if user else None
        if device is None:
            raise CommandError(f"“{username}” is not a demo account with the demo two-factor key.")
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}")
