"""Staff pages only for sessions that passed the second factor, and staff sessions that end.

A signed-in session that the policy asks a second factor of, and that did not give one (signed in before
the policy or the person's role changed), is signed out and sent to sign in again. Staff sessions end
after ``STAFF_SESSION_IDLE_MINUTES`` without a request and ``STAFF_SESSION_MAX_HOURS`` after signing in.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.urls import reverse

from . import two_factor

SIGNED_IN_AT = "accounts_signed_in_at"
LAST_SEEN_AT = "accounts_last_seen_at"
# Writing the last-seen time at most this often keeps a busy editor's requests from each saving the session.
_LAST_SEEN_GRANULARITY = 60


def start_session_clock(request: HttpRequest) -> None:
    """Signing in starts both clocks (in the session being saved anyway, so the next request writes none)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        session = request.session
        now = time.time()
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN_AT, now)
        if (
            now - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60
            or now - signed_in > settings.STAFF_SESSION_MAX_HOURS * 3600
        ):
            return self._sign_in_again(request)
        if now - last_seen >= _LAST_SEEN_GRANULARITY or LAST_SEEN_AT not in session:  # a write, now and then
            session[LAST_SEEN_AT] = now
        passed = two_factor.session_passed(request)
        if passed is None:  # signed in some other way (an old session): decide once
            if two_factor.asked_at_sign_in(user):
                return self._sign_in_again(request)
            two_factor.mark_session(request, two_factor.NOT_NEEDED)
        return None

    def _sign_in_again(self, request: HttpRequest):
        path = request.get_full_path()
        logout(request)
        if request.path.startswith(reverse("admin:index")):
            return redirect_to_login(path, reverse("admin:login"))
        return None
