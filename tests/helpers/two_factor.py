"""The test's phone: authenticator apps for test accounts, and the codes they would show now."""

from django_otp.oath import totp


def enrol(user):
    """Give ``user`` a confirmed authenticator app, as enrolment would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(user, *, drift: int = 0) -> str:
    """The code ``user``'s app shows now. django-otp refuses a code twice, as it should; tests that sign the
    same person in twice within 30 seconds are not replaying a stolen code, so the device forgets its last."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return format_code(device.bin_key, drift=drift)


def format_code(key: bytes, *, drift: int = 0) -> str:
    return f"{totp(key, drift=drift):06d}"


def demo_code() -> str:
    """The code ``load_demo --accounts``'s editor's app shows now (its key is public, ``DEMO_TOTP_KEY``), for
    tests that sign in to servers of their own, whose database this process does not hold."""
    from articles.demo import DEMO_TOTP_KEY

    return format_code(bytes.fromhex(DEMO_TOTP_KEY))
