"""Facts about a request that security decisions and logs rest on, read so that a client cannot forge them."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request really came from, for login throttling and logs.

    ``X-Forwarded-For`` is written by the client first and by each proxy after,
    so only the entries our own proxies appended can be trusted: with
    ``TRUSTED_PROXY_COUNT = N`` the client is the N-th address from the right.
    With no trusted proxy (the default) the header is ignored entirely, so
    sending a different made-up address with every attempt changes nothing.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
