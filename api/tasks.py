"""Background work of the content API: webhook deliveries, and beat's sweep for due events and retries.

Retries are not Celery's: each delivery keeps its own next attempt time, and ``send_due_webhooks``
(run every minute by beat) sends what is due, so a retry survives a worker restart or a lost broker
message, and nothing waits in a worker's memory for a day.
"""

from celery import shared_task

from . import webhooks


@shared_task
def deliver_webhook(delivery_id: int) -> None:
    """One attempt at one delivery, if it is still due. Idempotent: a delivered one is left alone."""
    webhooks.attempt(delivery_id)


@shared_task
def send_due_webhooks() -> None:
    webhooks.send_due()
