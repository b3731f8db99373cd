"""E-mail for notifications: what is sent, to whom, when, and what happens when SMTP fails.

An e-mail is owed while ``emailed_at`` is empty: the task queued after the commit sends it, a
failure is recorded on the row (attempts, last error) and retried with backoff by a worker, and
the periodic ``send_pending_emails`` catches up whatever is still owed (in-process, with no broker,
nobody waits to retry). A notification is marked sent only once the SMTP server has taken it, so
none is lost and, under the row lock, none is sent twice.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from common.background import enqueue

from .models import Delivery, Notification

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The queued task normally sends a fresh notification; the catch-up job leaves it that long to do so.
CATCH_UP_AFTER = timedelta(minutes=2)
# After this many failed attempts (about a day and a half of catch-up runs) an e-mail is given up on,
# with an error in the log; the notification itself stays in the admin, with the last error.
MOST_ATTEMPTS = 400


def queue_email(notification: Notification) -> None:
    """Send ``notification``'s e-mail once the transaction commits, outside the request when a worker runs."""
    from .tasks import send_notification_email

    enqueue(send_notification_email, notification.pk)


def unsubscribe_token(user, event: str) -> str:
    return signing.dumps({"user": user.pk, "event": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The user id and event type a token stands for; ``signing.BadSignature`` if it was tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return data["user"], data["event"]


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def story_link(notification: Notification) -> str:
    """The story's page in the admin: it asks the reader to log in, so the link itself reveals nothing."""
    if notification.story_id is None:
        return _absolute(notification.link or reverse("admin:notifications_notification_changelist"))
    return _absolute(reverse("admin:articles_article_change", args=[notification.story_id]))


def readable_text(notification: Notification) -> str:
    """The note or comment, if the recipient may still see the story now (rights can change after it was made)."""
    story = notification.story
    if story is None or workflow.can(notification.recipient, workflow.Action.VIEW, story):
        return notification.text
    return ""


def _message(recipient, notifications: Sequence[Notification], subject: str, unsubscribe_event: str | None):
    items = [
        {"summary": n.summary, "text": readable_text(n), "link": story_link(n), "at": n.created_at}
        for n in notifications
    ]
    context = {
        "recipient": recipient,
        "items": items,
        "site_name": settings.SITE_NAME,
        "preferences_link": _absolute(reverse("admin:notifications_preferences")),
    }
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_event:
        link = _absolute(
            reverse("admin:notifications_unsubscribe", args=[unsubscribe_token(recipient, unsubscribe_event)])
        )
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: one click, no login
        context["unsubscribe_link"] = link
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string("notifications/email/notification.txt", context),
        to=[recipient.email],
        headers=headers,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    message.attach_alternative(render_to_string("notifications/email/notification.html", context), "text/html")
    return message


def _failed(pks: list[int], error: Exception, attempts: int = 0) -> None:
    """Record the last error on the rows and log it; they stay owed unless ``attempts`` reached the most."""
    reason = f"{type(error).__name__}: {error}"
    Notification.objects.filter(pk__in=pks).update(email_error=reason[:300])
    if attempts >= MOST_ATTEMPTS:
        logger.error("Notification e-mail %s given up after %s attempts (%s)", pks, attempts, reason)
    else:
        logger.warning("Notification e-mail %s not sent (%s); it stays queued for retry", pks, reason)


def deliver(notification_id: int) -> Exception | None:
    """Send one notification's e-mail if it is still owed; return the error if SMTP failed (it stays owed)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "actor", "story")
            .filter(pk=notification_id, delivery=Delivery.IMMEDIATE, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return None  # sent already, not wanted by e-mail, deleted, or being sent by another worker
        notification.email_attempts += 1
        try:
            message = _message(notification.recipient, [notification], notification.summary, notification.event)
            message.send()
        except Exception as error:  # SMTP refuses in many ways (socket errors, 4xx, 5xx, timeouts)
            notification.save(update_fields=["email_attempts"])
            _failed([notification.pk], error, notification.email_attempts)
            return error
        notification.emailed_at = timezone.now()
        notification.email_error = ""
        notification.save(update_fields=["email_attempts", "emailed_at", "email_error"])
    return None


def send_pending_emails() -> int:
    """Send every immediate e-mail still owed (after failures, a broker away); how many are no longer owed."""
    owed = Notification.objects.email_pending(Delivery.IMMEDIATE)
    owed = owed.filter(created_at__lt=timezone.now() - CATCH_UP_AFTER, email_attempts__lt=MOST_ATTEMPTS)
    return sum(deliver(pk) is None for pk in owed.values_list("pk", flat=True).order_by("pk"))


def send_digests() -> int:
    """One e-mail per person gathering every digest notification still owed; how many digests went out."""
    from django.contrib.auth import get_user_model

    owed = Notification.objects.email_pending(Delivery.DIGEST)
    sent = 0
    for recipient in get_user_model().objects.filter(pk__in=owed.values("recipient")):
        with transaction.atomic():
            notifications = list(
                owed.filter(recipient=recipient)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("actor", "story")
            )
            if not notifications:
                continue
            for notification in notifications:
                notification.recipient = recipient
            pks = [n.pk for n in notifications]
            subject = f"Your daily digest: {len(notifications)} notification{'s' if len(notifications) != 1 else ''}"
            try:
                _message(recipient, notifications, subject, None).send()
            except Exception as error:
                _failed(pks, error)
                continue
            Notification.objects.filter(pk__in=pks).update(emailed_at=timezone.now(), email_error="")
            sent += 1
    return sent
