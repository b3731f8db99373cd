"""The passkey ceremonies' JSON endpoints: django-otp-webauthn's views, fitted to this sign-in.

The package expects a signed-in user verified through django-otp's middleware; here the second step comes
before signing in (``views.PENDING_KEY``) and the session records the second factor itself
(``two_factor.SESSION_KEY``). So:

- registering needs a staff session that passed the second factor, the password given again within
  ``views.REAUTH_SECONDS``, and the authenticator app already set up (with its recovery codes);
- signing in with a passkey is for the person half-way through signing in, with their own passkeys only;
  it ends like a right code (``views._finish_sign_in``), and a failed attempt is a failed login for
  django-axes, locked out like a wrong code.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import user_login_failed
from django.http import JsonResponse
from django.utils import timezone
from django_otp_webauthn import exceptions
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
    _get_pywebauthn_logger,
)

from audit.log import record
from audit.models import Event

from . import two_factor
from .views import _finish_sign_in, _pending_user, _recently_reauthenticated


class PasswordAgainFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "Give your password again before adding a passkey (reload this page)."
    default_code = "password_again"


class AppFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "Set up an authenticator app first: a passkey is a second way in, beside the app."
    default_code = "app_first"


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "Too many failed sign-ins. Please try again later, or ask for help."
    default_code = "locked_out"


class _Registering:
    """Only one's own staff session, past the second factor, with the password given again just now."""

    def get_user(self):
        user = self.request.user
        if user.is_authenticated and user.is_staff and two_factor.session_passed(self.request):
            return user
        return None

    def _check_user_verified(self, user) -> None:
        # The package asks django-otp's middleware (not used here); get_user checked this session's own record.
        if not two_factor.session_passed(self.request):
            raise exceptions.NotVerified()

    def check_can_register(self) -> None:
        if not _recently_reauthenticated(self.request):
            raise PasswordAgainFirst()
        if not two_factor.is_enrolled(self.request.user):
            raise AppFirst()


class BeginRegistration(_Registering, BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_Registering, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        with rewrite_exceptions(logger=_get_pywebauthn_logger()):
            passkey = self.get_helper().register_complete(user=user, state=state, data=self.request.data)
        passkey.name = _name_for(passkey)
        passkey.save(update_fields=["name"])
        record(self.request, Event.PASSKEY_ADDED, target=user, details=passkey.name)
        return JsonResponse({"id": passkey.pk})


def _name_for(passkey) -> str:
    """What the list of one's passkeys calls this one: the kind of authenticator, and when it was added."""
    kind = "Security key" if set(passkey.transports) & {"usb", "nfc", "ble"} else "Passkey"
    return f"{kind} added {timezone.localdate():%-d %b %Y}"


class _SigningIn:
    """The person half-way through signing in, while django-axes lets their address and username try."""

    def get_user(self):
        return _pending_user(self.request)

    def credentials(self) -> dict:
        return {"username": self.get_user().get_username()}

    def check_can_authenticate(self) -> None:
        if self.get_user() is None:
            raise exceptions.NotAuthenticated(detail="Please sign in again.")
        if not AxesProxyHandler.is_allowed(self.request, self.credentials()):
            raise LockedOut()


class BeginSignIn(_SigningIn, BeginCredentialAuthenticationView):
    pass


class CompleteSignIn(_SigningIn, CompleteCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        user = self.get_user()
        try:
            state = self.get_state()
            with rewrite_exceptions(logger=_get_pywebauthn_logger()):
                passkey = self.get_helper().authenticate_complete(user=user, state=state, data=self.request.data)
            self.check_device_usable(passkey)
        except exceptions.OTPWebAuthnApiError:
            record(self.request, Event.TWO_FACTOR_FAILED, actor=user, target=user, details="passkey")
            # django-axes counts it; at the limit its middleware answers with the lockout page instead.
            user_login_failed.send(sender=__name__, credentials=self.credentials(), request=self.request)
            raise
        target = _finish_sign_in(self.request, user)
        record(self.request, Event.PASSKEY_USED, actor=user, target=user, details=passkey.name)
        return JsonResponse({"id": passkey.pk, "redirect_url": target})
