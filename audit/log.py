"""Writing to the audit log, from any app."""

import ipaddress

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from common.requests import client_ip

from .models import AuditEntry, Event
from .requests import current_request


def record(
    request: HttpRequest | None,
    event: Event,
    *,
    actor: AbstractBaseUser | None = None,
    username: str = "",
    target: object = "",
    details: str = "",
) -> AuditEntry:
    """Append one entry. The actor is ``actor``, else the request's signed-in user; the address is the
    trusted client address (``common.requests.client_ip``, the one the login lockout uses). Without a
    request, the one being answered is used, if any (a command has none)."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    name = username or (actor.get_username() if actor is not None else "")
    return AuditEntry.objects.create(
        event=event,
        actor=actor,
        actor_name=name[:150],
        address=_address(request),
        target=str(target)[:300],
        details=details,
    )


def _address(request: HttpRequest | None) -> str | None:
    address = client_ip(request) if request is not None else None
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:  # a proxy wrote something that is no address: keep the entry, without it
        return None
