"""Passkeys (WebAuthn security keys and platform authenticators) as a second factor, on django-otp-webauthn.

A passkey stands beside the authenticator app, never instead of the password: the package's passwordless
sign-in is off (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN``). Only someone who already has the app (and so
recovery codes) may add one, so a lost key never leaves them without a way in. A passkey is a django-otp
device like the app, so ``two_factor.asked_at_sign_in`` and ``two_factor.reset`` count it without more code.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django_otp_webauthn.models import WebAuthnCredential


def passkeys_of(user: AbstractBaseUser) -> QuerySet[WebAuthnCredential]:
    """``user``'s passkeys, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(user: AbstractBaseUser) -> bool:
    return passkeys_of(user).exists()


def remove(user: AbstractBaseUser, pk: int | str) -> WebAuthnCredential | None:
    """Remove ``user``'s passkey ``pk`` (someone else's is left alone); the removed one, or None."""
    passkey = WebAuthnCredential.objects.filter(user=user, pk=pk).first() if str(pk).isdigit() else None
    if passkey is not None:
        passkey.delete()
    return passkey
