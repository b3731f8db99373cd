"""The reader pages' Content-Security-Policy, in one place: the middleware sends it on every reader
page, and a story with embeds sends it with ``frame-src`` for exactly its providers' frame hosts."""

from collections.abc import Iterable

from django.conf import settings


def reader_policy(frame_hosts: Iterable[str] = ()) -> str:
    """Scripts only from our own origin, none inline; frames only from ``frame_hosts`` (over HTTPS) if any."""
    media = settings.MEDIA_URL
    media_origin = " " + "/".join(media.split("/")[:3]) if "://" in media else ""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data:{media_origin}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    hosts = sorted(set(frame_hosts))
    if hosts:
        directives.append("frame-src " + " ".join(f"https://{host}" for host in hosts))
    return "; ".join(directives)
