"""Two-factor sign-in on django-otp: who must use it, enrolment, codes, recovery codes and resets.

A staff member signs in with a password, then a code from an authenticator app (TOTP), one of their
single-use recovery codes, or a passkey (``accounts.passkeys``). Who must (``two_factor_required``) is
settings' business: superusers and the groups in ``TWO_FACTOR_REQUIRED_GROUPS`` (editors by default), or
every staff member with ``TWO_FACTOR_REQUIRED_FOR_ALL_STAFF``. Anyone else may enrol, and once enrolled is
always asked.

Whether a signed-in session passed the second factor is kept in the session (``SESSION_KEY``), so the
check on every staff page costs no query.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# The session's record of the second factor: "verified" (a code was given) or "not-needed" (the policy
# does not ask it of this person, who has no device).
SESSION_KEY = "accounts_two_factor"
VERIFIED = "verified"
NOT_NEEDED = "not-needed"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether the policy asks a second factor of ``user`` (one query for the groups)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser or settings.TWO_FACTOR_REQUIRED_FOR_ALL_STAFF:
        return True
    return user.groups.filter(name__in=settings.TWO_FACTOR_REQUIRED_GROUPS).exists()


def is_enrolled(user: AbstractBaseUser) -> bool:
    """Whether ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def asked_at_sign_in(user: AbstractBaseUser) -> bool:
    """Whether signing in takes a second step: required by the policy, or chosen by enrolling."""
    return two_factor_required(user) or user_has_device(user)


def session_passed(request: HttpRequest) -> bool | None:
    """True if this session passed the second factor or needs none, None if that is not yet known."""
    state = request.session.get(SESSION_KEY)
    if state is None:
        return None
    return state in (VERIFIED, NOT_NEEDED)


def mark_session(request: HttpRequest, state: str) -> None:
    request.session[SESSION_KEY] = state


def check_code(user: AbstractBaseUser, code: str):
    """The device that accepts ``code`` (an app's code or an unused recovery code, which it then uses up)."""
    code = "".join(code.split())
    if not code:
        return None
    return match_token(user, code)


def start_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user``, replacing any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def confirm_enrolment(user: AbstractBaseUser, device: TOTPDevice, code: str) -> Enrolment | None:
    """Confirm ``device`` if ``code`` is its current code: it replaces the person's other devices, and
    fresh recovery codes replace the old ones. None if the code is wrong."""
    if device.confirmed or device.user_id != user.pk or not device.verify_token("".join(code.split())):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return Enrolment(device, new_recovery_codes(user))


def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """``TWO_FACTOR_RECOVERY_CODES`` new single-use codes for ``user``; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def reset(user: AbstractBaseUser) -> int:
    """Forget every second factor of ``user`` (a lost phone): they enrol again at their next sign-in.

    Returns how many devices were removed.
    """
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in (base32)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_code_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an inline SVG QR code, made here (no outside service sees the key)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
