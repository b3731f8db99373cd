"""Signed webhooks: what is sent where, the signature, the address check, one attempt and its record.

The scheme is Standard Webhooks' (https://www.standardwebhooks.com/): each POST carries
``webhook-id`` (the delivery's id, the same on every retry), ``webhook-timestamp`` (Unix seconds) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``, keyed with the base64
bytes after ``whsec_`` of the endpoint's secret. The README has a receiver that checks it.

Attempts never follow a redirect, and never go to a loopback, private, link-local (cloud metadata),
multicast or reserved address unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` is on: the host name is
resolved once, every address it has is checked, and the connection goes to the checked address
(a second lookup could answer differently). Timeouts, refused connections and 5xx answers are
retried with exponential backoff for ``WEBHOOK_RETRY_HOURS``; other answers are final.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from common.background import enqueue
from notifications.events import editors, notify
from notifications.models import Event

from .models import Change, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600
RESPONSE_KEPT_CHARS = 1000


class RefusedAddressError(Exception):
    """The address may not be delivered to (private, unresolvable, not http(s))."""


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for this message."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def payload(change: Change) -> dict:
    story = Article.objects.select_related("section").filter(pk=change.article_id).first()
    site = settings.SITE_URL
    removed = change.kind in Change.REMOVALS
    return {
        "type": f"story.{change.kind}",
        "timestamp": change.at.isoformat(),
        "data": {
            "id": change.article_id,
            "event": change.kind,
            "at": change.at.isoformat(),
            "url": site + story.get_absolute_url() if story is not None and not removed else None,
            "api_url": None if removed else site + reverse("api_story", args=[change.article_id]),
        },
    }


def dispatch(change: Change) -> int:
    """Queue the change's deliveries to every active endpoint that asked for it, once; how many."""
    if not Change.objects.filter(pk=change.pk, dispatched=False).update(dispatched=True):
        return 0  # already sent by another process
    if change.kind not in Change.REMOVALS and not Article.objects.published().filter(pk=change.article_id).exists():
        return 0  # taken down again before its time came: nothing to announce
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if endpoint.wants(change.kind)]
    if not endpoints:
        return 0
    body = payload(change)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, change=change, event=change.kind, payload=body, next_attempt_at=now)
        for endpoint in endpoints
    )
    from .tasks import deliver_webhook

    for delivery in deliveries:
        enqueue(deliver_webhook, delivery.pk)
    return len(deliveries)


def send_due() -> tuple[int, int]:
    """Changes whose time has come (scheduled publications) and deliveries due for a retry: (changes, deliveries)."""
    from .tasks import deliver_webhook

    now = timezone.now()
    changes = list(Change.objects.filter(dispatched=False, at__lte=now).order_by("at", "pk")[:500])
    for change in changes:
        dispatch(change)
    due = list(
        WebhookDelivery.objects.filter(status__in=[Status.PENDING, Status.RETRYING], next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in due:
        enqueue(deliver_webhook, pk)
    return len(changes), len(due)


def checked_address(url: str) -> tuple[str, str, int, str]:
    """(scheme, address to connect to, port, host) for ``url``, or ``RefusedAddressError`` saying why."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddressError("Only http:// and https:// addresses are delivered to.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedAddressError(f"{parts.hostname} does not resolve: {error}.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        private = [str(address) for address in addresses if not address.is_global]
        if private:
            raise RefusedAddressError(
                f"{parts.hostname} is a private, loopback or reserved address ({', '.join(private)}): "
                "not delivered (WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off)."
            )
    return parts.scheme, str(addresses[0]), port, parts.hostname


def _post(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    scheme, address, port, host = checked_address(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS)
    options = {"timeout": timeout, "retries": False, "maxsize": 1}
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, port, server_hostname=host, assert_hostname=host, **options)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    with pool:
        response = pool.urlopen(
            "POST", path, body=body, headers={**headers, "Host": host_header}, redirect=False, preload_content=False
        )
        text = response.read(RESPONSE_KEPT_CHARS * 4, decode_content=True).decode(errors="replace")
        response.release_conn()
    return response.status, text[:RESPONSE_KEPT_CHARS]


def attempt(delivery_id: int) -> WebhookDelivery | None:
    """Try one delivery now, if it is due, and record how it went (and what follows for its endpoint)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status__in=[Status.PENDING, Status.RETRYING], next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None  # delivered, given up, or not due: another worker saw to it
        # Taken for this attempt: another worker finds it not due.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + timedelta(hours=1))
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return _finish(delivery, Status.FAILED, error="The endpoint is disabled.")
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    message_id = f"delivery_{delivery.pk}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.SITE_NAME} webhooks",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, message_id, timestamp, body),
    }
    delivery.attempts += 1
    delivery.first_attempt_at = delivery.first_attempt_at or now
    delivery.last_attempt_at = now
    started = time.monotonic()
    retryable, code, text, error = False, None, "", ""
    try:
        code, text = _post(endpoint.url, body, headers)
        retryable = code >= 500
    except RefusedAddressError as refused:
        error = str(refused)
    except urllib3.exceptions.HTTPError as failure:
        retryable, error = True, f"{type(failure).__name__}: {failure}"[:300]
    except OSError as failure:
        retryable, error = True, f"{type(failure).__name__}: {failure}"[:300]
    delivery.duration_ms = round((time.monotonic() - started) * 1000)
    delivery.response_code, delivery.response_body = code, text
    if code is not None and 200 <= code < 300:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return _finish(delivery, Status.DELIVERED)
    if code is not None and not error:
        error = f"Answered {code}" + (" (redirects are not followed)" if 300 <= code < 400 else "")
    failures = WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    endpoint.refresh_from_db(fields=["consecutive_failures"])
    wait = min(FIRST_RETRY_SECONDS * 2 ** (delivery.attempts - 1), LONGEST_RETRY_SECONDS)
    next_at = timezone.now() + timedelta(seconds=wait)
    gave_up = retryable and next_at > delivery.first_attempt_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    if retryable and not gave_up:
        delivery.next_attempt_at = next_at
        _finish(delivery, Status.RETRYING, error=error)
    else:
        _finish(delivery, Status.FAILED, error=error)
    if failures and (gave_up or endpoint.consecutive_failures >= settings.WEBHOOK_FAILURES_BEFORE_DISABLE):
        disable(endpoint, f"{endpoint.consecutive_failures} failed attempts in a row; last: {error}"[:300])
    return delivery


def _finish(delivery: WebhookDelivery, status: str, *, error: str = "") -> WebhookDelivery:
    delivery.status, delivery.error = status, error[:300]
    if status != Status.RETRYING:
        delivery.next_attempt_at = None
    delivery.save()
    return delivery


def disable(endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop sending to a failing endpoint and tell whoever registered it (else every editor)."""
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_reason=reason
    ):
        return
    logger.warning("Webhook endpoint %s (%s) disabled: %s", endpoint.pk, endpoint.url, reason)
    owner = endpoint.created_by
    recipients = [owner] if owner is not None and owner.is_active else list(editors())
    link = reverse("admin:api_webhookendpoint_change", args=[endpoint.pk])
    notify(recipients, Event.WEBHOOK_DISABLED, None, headline=endpoint.name, link=link, text=reason)


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery (the old one stays in the log)."""
    from .tasks import deliver_webhook

    again = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        change=delivery.change,
        event=delivery.event,
        payload=delivery.payload,
        next_attempt_at=timezone.now(),
    )
    enqueue(deliver_webhook, again.pk)
    return again
