"""The login lockout's rules, on django-axes: one that an attacker cannot turn against the person they target.

Three limits, each for a different attacker:

- the address-and-username pair (``AXES_FAILURE_LIMIT``): someone guessing one person's password from
  one place is locked out; the same person signing in from elsewhere is not, so failures sent from five
  addresses cannot lock the real editor out of the newsroom;
- the address alone (``LOGIN_ADDRESS_FAILURE_LIMIT``, looser): one machine trying many usernames;
- the username alone, never a lockout but a slowdown (``LOGIN_USERNAME_SLOWDOWN_*``): a botnet guessing one
  person's password from many addresses gets one try every few seconds, and the real person is at worst
  asked to wait that long.

Wrong two-factor codes count as failed logins of the pair too (``accounts.two_factor``).
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class PairAndAddressHandler(AxesDatabaseHandler):
    """Counts failures by the pair, and by the address against its own, looser, limit.

    axes compares one number with one limit (``AXES_FAILURE_LIMIT``); the address's failures are
    scaled to that limit, so the address is locked out exactly when it reaches its own limit.
    ``AXES_LOCKOUT_PARAMETERS`` lists the pair first and the address second.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        pair = counts[0] if counts else 0
        address = counts[1] if len(counts) > 1 else 0
        scaled = address * settings.AXES_FAILURE_LIMIT // max(settings.LOGIN_ADDRESS_FAILURE_LIMIT, 1)
        return max(pair, scaled)


def username_wait(username: str | None, *, now=None) -> int:
    """Seconds to wait before the next attempt for ``username`` is looked at (0: go ahead).

    After ``LOGIN_USERNAME_SLOWDOWN_AFTER`` failures for a username, from anywhere, within the lockout's
    cool-off, each further attempt must come ``LOGIN_USERNAME_SLOWDOWN_SECONDS`` after the last failure.
    """
    if not username or settings.LOGIN_USERNAME_SLOWDOWN_SECONDS <= 0:
        return 0
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    figures = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (figures["failures"] or 0) < settings.LOGIN_USERNAME_SLOWDOWN_AFTER:
        return 0
    ready = figures["last"] + timedelta(seconds=settings.LOGIN_USERNAME_SLOWDOWN_SECONDS)
    return max(0, int((ready - now).total_seconds()) + 1) if ready > now else 0


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The lockout page: how long, and whom to ask for help (``LOGIN_HELP``)."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": minutes,
        "login_help": settings.LOGIN_HELP,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
