"""Request facts that security decisions rest on, read so that a client cannot forge them."""

import logging

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

from common.content_security import reader_policy

logger = logging.getLogger(__name__)


class HostValidationMiddleware:
    """Refuse a request for a host not in ``ALLOWED_HOSTS`` before anything else looks at it.

    Django checks the Host header lazily, wherever something first reads it, so
    an unknown host reached different code on different paths: WhiteNoise
    served static files to it, the page cache raised while building its key.
    Checked here, first, every path answers the same plain 400 page: Django's
    own handling of ``DisallowedHost``, whose ERROR-and-traceback log entry
    ``LOGGING`` silences. What is left in the log is one warning line naming
    the host, which is what an operator needs when a load balancer's probes
    start failing.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        try:
            request.get_host()
        except DisallowedHost as refusal:
            logger.warning("%s (%s %s answered 400)", refusal, request.method, request.path)
            raise
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on reader pages: scripts only from our own origin, none inline.

    A ``<script type="application/ld+json">`` data block is never executed, so
    structured data needs no exception. A story with embeds sends its own policy, with ``frame-src`` for
    its providers (``articles.views.render_story``), which this leaves alone. The admin is left to Django's own
    headers (its pages are never public and carry their own scripts).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.policy = reader_policy()

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if not request.path_info.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response
