"""When PostgreSQL cannot be reached: 503 and a friendly page, not a 500 and a traceback per request.

PostgreSQL restarts (an upgrade, a failover, a crash) make every request that
needs the database fail for a while. Those failures are not bugs: readers get
``503 Service Unavailable`` with ``Retry-After`` and a page that needs nothing
from the database, the log gets one warning line per request instead of a
traceback, and nothing needs restarting afterwards (connections are checked
before use, see ``CONN_HEALTH_CHECKS`` in settings). An editor whose save
failed gets the text they sent back on the page, to copy: nothing is lost.

Django turns any exception, wherever it was raised (a view, a template, the
page cache's or the session's middleware), into a call of ``handler500``, so
that is where outages are told apart from bugs.
"""

import logging
import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from common.outages import database_unreachable
from common.posted import copyable, posted_text

logger = logging.getLogger(__name__)

# What a client (a browser, a load balancer, a crawler) is told to wait before trying again.
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page: rendered without the request's context, so it asks nothing of the database."""
    fields = copyable(posted_text(request))
    page = render_to_string("503.html", {"site_name": settings.SITE_NAME, "posted": fields})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 page when the database is unreachable, Django's 500 page otherwise."""
    error = sys.exception()  # handler500 is called while Django handles the exception
    if not database_unreachable(error):
        return defaults.server_error(request)
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error.__cause__).__name__
    logger.warning("Database unreachable, answered 503 to %s %s: %s", request.method, request.path, reason)
    return service_unavailable(request)


class HideOutageTracebacks(logging.Filter):
    """For ``django.request``: drop the ERROR-and-traceback entry of a request answered with the outage page.

    Django logs every exception that reached ``handler500`` that way; an outage
    is already noted in one warning line by ``server_error``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (getattr(record, "status_code", None) == 503 and database_unreachable(error))
