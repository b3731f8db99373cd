"""Notification e-mails on the worker: one per notification when it is made, and the periodic catch-up.

Each is idempotent (a notification is e-mailed once, under a row lock), so a redelivery or a
second run sends nothing twice.
"""

import logging

from celery import shared_task

from common.background import retry_or_log

from . import delivery

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=6)
def send_notification_email(self, notification_id: int) -> None:
    error = delivery.deliver(notification_id)
    if error is not None:
        retry_or_log(
            self,
            error,
            give_up=lambda: logger.error(
                "Notification %s: e-mail not sent; it stays queued and `manage.py send_notifications` "
                "(run by beat every few minutes) will send it",
                notification_id,
            ),
        )


@shared_task
def send_pending_emails() -> None:
    delivery.send_pending_emails()


@shared_task
def send_digests() -> None:
    delivery.send_digests()
