"""Signed webhooks, delivered to a real HTTP receiver on loopback started by the test.

Checks the Standard Webhooks signature as the README's receiver does, retries after a 500 and after
a timeout, disabling after repeated failure (and telling the owner), no redirects followed and no
delivery to a private address when that is not allowed.
"""

import base64
import json
import queue
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from articles import workflow
from notifications.models import Event, Notification
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=False)

Status = WebhookDelivery.Status


def readme_receiver():
    """The receiver's check from the README, run as written: the documentation is what is tested."""
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text()
    code = re.search(r"```python\n(import base64.*?def verify.*?)```", readme, flags=re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify"]


verify = readme_receiver()


class Receiver:
    """An HTTP server on 127.0.0.1 answering each POST as told: 200, 500, "slow" (past the timeout) or "redirect"."""

    def __init__(self) -> None:
        self.answers: queue.Queue = queue.Queue()
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                answer = receiver.answers.get_nowait() if not receiver.answers.empty() else 200
                if answer == "slow":
                    time.sleep(1.5)
                    answer = 200
                if answer == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                else:
                    self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/newsroom"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sweep(time_machine, committed, *, every: timedelta, times: int) -> None:
    """Beat's minute job, ``times`` times, ``every`` so long apart."""
    for _ in range(times):
        time_machine.shift(every)
        with committed():
            webhooks.send_due()


def publish_answered_with(answers: list, receiver, world, committed, time_machine) -> None:
    """The clock stopped, the receiver told how to answer, and a story published (its first attempt made)."""
    time_machine.move_to(timezone.now(), tick=False)
    for answer in answers:
        receiver.answers.put(answer)
    with committed():
        ArticleFactory(section=world)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture
def endpoint(receiver, editor):
    return WebhookEndpoint.objects.create(
        name="Partner app",
        url=receiver.url,
        events=["published", "updated", "corrected", "unpublished"],
        secret=WebhookEndpoint.new_secret(),
        created_by=editor,
    )


def test_a_publish_is_posted_signed_after_the_commit(receiver, endpoint, world, committed):
    with committed():
        story = ArticleFactory(section=world)
        assert receiver.received == []  # nothing before the commit
    ((headers, body),) = receiver.received
    assert verify(endpoint.secret, headers, body)
    assert not verify(WebhookEndpoint.new_secret(), headers, body)
    assert not verify(endpoint.secret, headers, body.replace(b"published", b"unpublish"))
    payload = json.loads(body)
    assert payload["type"] == "story.published"
    assert payload["data"]["id"] == story.pk
    assert payload["data"]["url"].endswith(story.get_absolute_url())
    assert payload["data"]["api_url"].endswith(f"/api/v1/stories/{story.pk}/")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (Status.DELIVERED, 200, 1)
    assert delivery.response_body == "ok" and delivery.duration_ms is not None


def test_unpublishing_is_sent_and_endpoints_get_only_the_events_they_asked_for(
    receiver, endpoint, world, editor, committed
):
    endpoint.events = ["unpublished"]
    endpoint.save()
    with committed():
        story = ArticleFactory(section=world)
    assert receiver.received == []
    with committed():
        workflow.unpublish(story, editor, reason="Legal")
    ((_headers, body),) = receiver.received
    assert json.loads(body)["data"] == {
        **json.loads(body)["data"],
        "event": "unpublished",
        "url": None,
        "api_url": None,
    }


def test_a_500_and_a_timeout_are_retried_with_backoff(receiver, endpoint, world, time_machine, committed):
    publish_answered_with([500, "slow"], receiver, world, committed, time_machine)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (Status.RETRYING, 500, 1)
    assert delivery.next_attempt_at == timezone.now() + timedelta(seconds=30)

    webhooks.send_due()  # not due yet
    assert WebhookDelivery.objects.get().attempts == 1

    sweep(time_machine, committed, every=timedelta(seconds=31), times=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.RETRYING, 2)
    assert "Timeout" in delivery.error or "timed out" in delivery.error
    assert delivery.next_attempt_at == timezone.now() + timedelta(seconds=60)

    sweep(time_machine, committed, every=timedelta(seconds=61), times=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (Status.DELIVERED, 3, 200)
    # Every attempt is the same message, signed anew.
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 1
    assert all(verify(endpoint.secret, headers, body) for headers, body in receiver.received)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_owner_told(
    receiver, endpoint, world, editor, settings, time_machine, committed
):
    settings.WEBHOOK_FAILURES_BEFORE_DISABLE = 3
    publish_answered_with([503] * 5, receiver, world, committed, time_machine)
    sweep(time_machine, committed, every=timedelta(hours=1), times=4)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "3 failed attempts" in endpoint.disabled_reason
    assert len(receiver.received) == 3  # nothing more once disabled
    notice = Notification.objects.get(recipient=editor, event=Event.WEBHOOK_DISABLED)
    assert notice.headline == "Partner app" and notice.link.endswith(f"/api/webhookendpoint/{endpoint.pk}/change/")
    with committed():
        ArticleFactory(section=world)
    assert len(receiver.received) == 3


def test_retries_stop_after_the_retry_window(receiver, endpoint, world, settings, time_machine, committed):
    settings.WEBHOOK_RETRY_HOURS = 1
    publish_answered_with([500] * 20, receiver, world, committed, time_machine)
    sweep(time_machine, committed, every=timedelta(minutes=20), times=10)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    endpoint.refresh_from_db()
    assert not endpoint.is_active  # gave up after its window: the endpoint is disabled too


def test_no_delivery_to_private_addresses_unless_allowed(receiver, endpoint, world, settings, committed):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with committed():
        ArticleFactory(section=world)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED and "private" in delivery.error
    for url in ("http://169.254.169.254/latest/", "http://10.1.2.3/", "http://[::1]/", "http://localhost/", "ftp://x/"):
        with pytest.raises(webhooks.RefusedAddressError):
            webhooks.checked_address(url)


def test_redirects_are_not_followed(receiver, endpoint, world, committed):
    receiver.answers.put("redirect")
    with committed():
        ArticleFactory(section=world)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == (Status.FAILED, 302)
    assert "redirects are not followed" in delivery.error
    assert len(receiver.received) == 1


def test_a_scheduled_story_is_announced_when_beat_finds_its_time_has_come(
    receiver, endpoint, world, time_machine, committed
):
    time_machine.move_to(timezone.now(), tick=False)
    with committed():
        story = ArticleFactory(section=world, published_at=timezone.now() + timedelta(minutes=30))
    assert receiver.received == []
    time_machine.shift(timedelta(minutes=31))
    with committed():
        webhooks.send_due()
    ((_headers, body),) = receiver.received
    assert json.loads(body)["data"]["id"] == story.pk
    with committed():
        webhooks.send_due()
    assert len(receiver.received) == 1  # once


def test_editors_redeliver_from_the_delivery_log(receiver, endpoint, world, client, editor, committed):
    receiver.answers.put(400)
    with committed():
        ArticleFactory(section=world)
    failed = WebhookDelivery.objects.get()
    assert failed.status == Status.FAILED
    client.force_login(editor)
    assert client.get("/admin/api/webhookdelivery/").status_code == 200
    with committed():
        client.post("/admin/api/webhookdelivery/", {"action": "redeliver", "_selected_action": [failed.pk]})
    assert WebhookDelivery.objects.filter(status=Status.DELIVERED).count() == 1
    assert len(receiver.received) == 2


def test_editors_register_endpoints_in_the_admin_with_a_secret_made_for_them(client, editor):
    client.force_login(editor)
    client.post(
        "/admin/api/webhookendpoint/add/",
        {"name": "App", "url": "https://hooks.example.org/in", "events": ["published"], "is_active": "on"},
    )
    endpoint = WebhookEndpoint.objects.get(name="App")
    assert endpoint.secret.startswith("whsec_") and len(base64.b64decode(endpoint.secret[6:])) == 24
    assert endpoint.created_by == editor and endpoint.events == ["published"]
