"""Secret preview links: one unpublished story for one outside reader, for a limited time."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone

from audit.log import record
from audit.models import Event
from common.requests import client_ip

from .models import Article, PreviewLink, PreviewLinkUse
from .workflow import Action, require

DEFAULT_LIFETIME = timedelta(hours=48)
MAX_LIFETIME = timedelta(days=30)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    article: Article, user: AbstractBaseUser, *, label: str = "", lifetime: timedelta = DEFAULT_LIFETIME
) -> tuple[PreviewLink, str]:
    """Make a link and return it with its token; the token is not stored and cannot be shown again."""
    require(user, Action.PREVIEW_LINK, article)
    lifetime = min(max(lifetime, timedelta(minutes=5)), MAX_LIFETIME)
    token = secrets.token_urlsafe(32)
    link = PreviewLink.objects.create(
        article=article,
        token_hash=hash_token(token),
        label=label,
        created_by=user,
        expires_at=timezone.now() + lifetime,
    )
    record(
        None,
        Event.PREVIEW_LINK_CREATED,
        actor=user,
        target=article,
        details=f"{label} (until {link.expires_at:%Y-%m-%d %H:%M})",
    )
    return link, token


def revoke_link(link: PreviewLink, user: AbstractBaseUser) -> None:
    require(user, Action.PREVIEW_LINK, link.article)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        record(None, Event.PREVIEW_LINK_REVOKED, actor=user, target=link.article, details=link.label)


def open_link(token: str, request: HttpRequest) -> PreviewLink | None:
    """The link for ``token`` if it exists, logging the attempt; check ``is_active`` before showing anything."""
    if not token or len(token) > 100:
        return None
    link = PreviewLink.objects.select_related("article").filter(token_hash=hash_token(token)).first()
    if link is not None:
        PreviewLinkUse.objects.create(
            link=link,
            ip_address=client_ip(request) or None,  # the trusted address, as the login lockout uses
            user_agent=request.headers.get("User-Agent", "")[:300],
            allowed=link.is_active,
        )
    return link
