"""Who is asking: partner keys sent as ``Authorization: Bearer …``, and what each view needs of them."""

import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from .models import ApiKey, Scope

# last_used_at is written at most this often per key: not a write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class BearerKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer nr_<prefix>_<secret>``: an unknown, revoked or expired key is a 401."""

    def authenticate(self, request) -> tuple[None, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() != b"bearer" or len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the key as “Authorization: Bearer <key>”.")
        key = parts[1].decode("ascii", errors="replace")
        pieces = key.split("_")
        found = None
        if len(pieces) >= 3 and pieces[0] == "nr":
            found = ApiKey.objects.filter(prefix=pieces[1]).first()
        if found is None or not hmac.compare_digest(found.key_hash, ApiKey.hash(key)):
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if not found.is_usable:
            raise exceptions.AuthenticationFailed("This API key has been revoked or has expired.")
        now = timezone.now()
        if found.last_used_at is None or found.last_used_at < now - LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
        return None, found

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ReadScope(BasePermission):
    """Anonymous readers when ``API_ANONYMOUS_ACCESS`` is on; a key only within its scopes (the view's ``scope``)."""

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if key is None:
            if not settings.API_ANONYMOUS_ACCESS:
                raise exceptions.NotAuthenticated("This API needs a key: “Authorization: Bearer <key>”.")
            return True
        scope = getattr(view, "scope", Scope.STORIES)
        if scope not in key.scopes:
            raise exceptions.PermissionDenied(f"This key may not read {scope} (its scopes: {', '.join(key.scopes)}).")
        return True
