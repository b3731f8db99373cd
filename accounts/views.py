"""Staff sign-in pages: the password, the second factor, enrolment, and one's own two-factor settings.

After the password, someone the policy asks a second factor of (or who enrolled) is not signed in yet:
the session only remembers who is half-way (``PENDING_KEY``, for ``TWO_FACTOR_PENDING_SECONDS``) and they
are sent to the code page (where a passkey, if they added one, also does: ``passkey_views``), or to
enrolment when the policy requires a device they lack. Nothing else is open to them until then. Wrong codes
are failed logins for django-axes, so they are locked out like wrong passwords, and the pair's count is not
reset by giving the password again.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, logout, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.log import record
from audit.models import Event

from . import passkeys, two_factor
from .forms import CodeForm, EnrolForm, PasswordAgainForm, StaffLoginForm
from .lockout import locked_out
from .sessions import sign_out_everywhere

PENDING_KEY = "accounts_pending_sign_in"
ENROLLING_KEY = "accounts_enrolling_device"
REAUTH_KEY = "accounts_password_again_at"
REAUTH_SECONDS = 300


class StaffLoginView(LoginView):
    """The admin's login page; a second factor, when asked, comes before the person is signed in."""

    authentication_form = StaffLoginForm
    template_name = "admin/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.asked_at_sign_in(user):
            response = super().form_valid(form)
            two_factor.mark_session(self.request, two_factor.NOT_NEEDED)
            return response
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        if two_factor.is_enrolled(user) or two_factor.recovery_codes_left(user) or passkeys.has_passkey(user):
            return redirect("accounts:verify")
        return redirect("accounts:enrol")


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def _finish_sign_in(request: HttpRequest, user) -> str:
    """Sign ``user`` in for good, with the second factor passed; the address to go on to."""
    pending = request.session.pop(PENDING_KEY)
    request.session.pop(ENROLLING_KEY, None)
    auth_login(request, user, backend=pending["backend"])
    two_factor.mark_session(request, two_factor.VERIFIED)
    target = pending["next"]
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return target


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _passkey_scripts(request: HttpRequest) -> dict:
    """What django-otp-webauthn's scripts read (``otp_webauthn_config``): this app's endpoints for them."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": get_token(request),
        "beginAuthenticationUrl": reverse("accounts:passkey_sign_in_begin"),
        "completeAuthenticationUrl": reverse("accounts:passkey_sign_in_complete"),
        "beginRegistrationUrl": reverse("accounts:passkey_register_begin"),
        "completeRegistrationUrl": reverse("accounts:passkey_register_complete"),
    }


@never_cache
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Please sign in again.")
        return redirect("admin:login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return locked_out(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.check_code(user, form.cleaned_data["code"])
        if device is not None:
            target = _finish_sign_in(request, user)
            if isinstance(device, StaticDevice):
                record(request, Event.RECOVERY_CODE_USED, actor=user, target=user)
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code, which cannot be used again; {left} left. "
                    "If your phone is lost, set up the app again under “Two-factor sign-in”.",
                )
            return redirect(target)
        record(request, Event.TWO_FACTOR_FAILED, actor=user, target=user)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, None, credentials)
        form.add_error("code", "That code is not right. Check the app shows this newsroom, and try the newest code.")
    has_passkey = passkeys.has_passkey(user)
    return render(
        request,
        "accounts/verify.html",
        _context(
            request,
            "Two-factor sign-in",
            form=form,
            has_passkey=has_passkey,
            passkey_scripts=_passkey_scripts(request) if has_passkey else None,
        ),
    )


def _enrolling_device(request: HttpRequest, user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(pk=request.session.get(ENROLLING_KEY), user=user, confirmed=False).first()
    if device is None:
        device = two_factor.start_enrolment(user)
        request.session[ENROLLING_KEY] = device.pk
    return device


def _recently_reauthenticated(request: HttpRequest) -> bool:
    return time.time() - request.session.get(REAUTH_KEY, 0) < REAUTH_SECONDS


@never_cache
@sensitive_post_parameters("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code made here, its key, and a code to prove it works.

    Reached half-way through signing in (the policy requires a device this person lacks) or, signed in,
    from one's two-factor page after giving the password again.
    """
    user = _pending_user(request)
    signing_in = user is not None
    if not signing_in:
        if not (request.user.is_authenticated and request.user.is_staff and two_factor.session_passed(request)):
            return redirect("admin:login")
        if not _recently_reauthenticated(request):
            return redirect(f"{reverse('accounts:password_again')}?then=enrol")
        user = request.user
    device = _enrolling_device(request, user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = two_factor.confirm_enrolment(user, device, form.cleaned_data["code"])
        if enrolment is not None:
            request.session.pop(ENROLLING_KEY, None)
            target = _finish_sign_in(request, user) if signing_in else reverse("accounts:settings")
            record(request, Event.TWO_FACTOR_ENROLLED, target=user)
            return render(
                request,
                "accounts/recovery_codes.html",
                _context(request, "Your recovery codes", codes=enrolment.recovery_codes, next_url=target),
            )
        form.add_error("code", "That code is not right. Check the phone's clock, and type the newest code.")
    return render(
        request,
        "accounts/enrol.html",
        _context(
            request,
            "Set up two-factor sign-in",
            form=form,
            qr_code=two_factor.qr_code_svg(device),
            secret=two_factor.secret_of(device),
            signing_in=signing_in,
        ),
    )


@never_cache
@login_required(login_url="admin:login")
@sensitive_post_parameters("password")
def password_again(request: HttpRequest) -> HttpResponse:
    """The password once more before one's second factor changes."""
    form = PasswordAgainForm(request.user, request.POST or None)
    if request.method == "POST":
        credentials = {"username": request.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request, None, credentials)
        if form.is_valid():
            request.session[REAUTH_KEY] = time.time()
            return redirect("accounts:enrol" if request.GET.get("then") == "enrol" else "accounts:settings")
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, None, credentials)
    return render(request, "accounts/password_again.html", _context(request, "Confirm it is you", form=form))


@never_cache
@login_required(login_url="admin:login")
def settings_page(request: HttpRequest) -> HttpResponse:
    """One's own two-factor sign-in: whether it is on, recovery codes left, and what can be changed."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "sign-out-everywhere":
        ended = sign_out_everywhere(user)
        record(request, Event.SESSIONS_ENDED, target=user.get_username(), details=f"{ended} sessions ended")
        logout(request)
        return redirect("admin:login")
    if request.method == "POST" and request.POST.get("action") == "recovery-codes":
        if not _recently_reauthenticated(request):
            return redirect(reverse("accounts:password_again"))
        codes = two_factor.new_recovery_codes(user)
        record(request, Event.RECOVERY_CODES_RENEWED, target=user)
        return render(
            request,
            "accounts/recovery_codes.html",
            _context(request, "Your recovery codes", codes=codes, next_url=reverse("accounts:settings")),
        )
    if request.method == "POST" and request.POST.get("action") == "remove-passkey":
        if not _recently_reauthenticated(request):
            return redirect(reverse("accounts:password_again"))
        removed = passkeys.remove(user, request.POST.get("passkey", ""))
        if removed is not None:
            record(request, Event.PASSKEY_REMOVED, target=user, details=removed.name)
            messages.success(request, f"“{removed.name}” removed: it no longer signs you in.")
        return redirect("accounts:settings")
    enrolled = two_factor.is_enrolled(user)
    reauthenticated = _recently_reauthenticated(request)
    return render(
        request,
        "accounts/settings.html",
        _context(
            request,
            "Two-factor sign-in",
            enrolled=enrolled,
            required=two_factor.two_factor_required(user),
            codes_left=two_factor.recovery_codes_left(user),
            reauthenticated=reauthenticated,
            passkeys=passkeys.passkeys_of(user),
            passkey_scripts=_passkey_scripts(request) if enrolled and reauthenticated else None,
        ),
    )
