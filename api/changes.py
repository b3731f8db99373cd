"""The changes feed's events: recorded as stories change for readers, listed by the one visibility rule.

Receivers on ``Article`` and ``Correction`` (connected in ``ApiConfig.ready()``, after the articles app's,
whose pre-save check of what readers could see they reuse: ``was_visible_before``) record a ``Change``
once the transaction commits:

- *published*: a story readers could not see becomes visible, now or at its go-live time (a scheduled or
  embargoed story is recorded at that time, and listed and sent only once it has come);
- *updated*: a visible story saved with something readers see;
- *corrected*: a correction added to a visible story;
- *unpublished*: a visible story that readers can no longer see (unpublished, or embargoed again);
- *deleted*: a visible story deleted.

Publications, updates and corrections are listed only while their story is ``published()``: a story
taken down disappears from the feed's content at once and its removal is listed, by id alone.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from articles.invalidation import UNSEEN_FIELDS, was_visible_before
from articles.models import Article, Correction

from .models import Change
from .webhooks import dispatch

Kind = Change.Kind
# A save touching only these is bookkeeping (a correction stamps ``revised_at``, recorded as *corrected*).
NOT_AN_UPDATE = UNSEEN_FIELDS | {"revised_at"}


def record(article_id: int, kind: str, *, at: datetime | None = None, using: str = "default") -> None:
    """Record the change once the transaction commits (nothing if it rolls back), and send its webhooks."""

    def write() -> None:
        moment = max(at, timezone.now()) if at is not None else timezone.now()
        if kind == Kind.PUBLISHED and moment > timezone.now():
            # Rescheduled: only the latest go-live time stands.
            Change.objects.using(using).filter(
                article_id=article_id, kind=Kind.PUBLISHED, at__gt=timezone.now(), dispatched=False
            ).delete()
        change = Change.objects.using(using).create(article_id=article_id, kind=kind, at=moment)
        if moment <= timezone.now():
            dispatch(change)

    transaction.on_commit(write, using=using)


def story_saved(sender, instance: Article, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        return  # fixtures and restores: not news
    was, now = was_visible_before(instance), instance.is_published
    live_from = instance.live_from
    using = kwargs.get("using", "default")
    if was and not now:
        record(instance.pk, Kind.UNPUBLISHED, using=using)
    if not now and live_from is not None and live_from > timezone.now():
        record(instance.pk, Kind.PUBLISHED, at=live_from, using=using)
    elif now and not was:
        record(instance.pk, Kind.PUBLISHED, using=using)
    elif now and was and (update_fields is None or set(update_fields) - NOT_AN_UPDATE):
        record(instance.pk, Kind.UPDATED, using=using)


def story_deleted(sender, instance: Article, **kwargs) -> None:
    if was_visible_before(instance):
        record(instance.pk, Kind.DELETED, using=kwargs.get("using", "default"))


def correction_saved(sender, instance: Correction, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and Article.objects.published().filter(pk=instance.article_id).exists():
        record(instance.article_id, Kind.CORRECTED, using=kwargs.get("using", "default"))


def connect_receivers() -> None:
    post_save.connect(story_saved, sender=Article, dispatch_uid="api.changes.story_saved")
    post_delete.connect(story_deleted, sender=Article, dispatch_uid="api.changes.story_deleted")
    post_save.connect(correction_saved, sender=Correction, dispatch_uid="api.changes.correction_saved")


def settled_before() -> datetime:
    """Events before this moment are final: nothing committed later can be dated before it."""
    return timezone.now() - timedelta(seconds=settings.API_CHANGES_SETTLE_SECONDS)


def feed():
    """Every change a client may be told of, oldest first: removals by id, the rest while the story is visible."""
    # A scalar subquery: a primary-key lookup per change the page walks past. An IN (…) or an EXISTS under
    # the OR is planned by PostgreSQL as a hash of every published story, read for every page (240 ms at 100,000).
    visible = Article.objects.published().filter(pk=OuterRef("article_id")).order_by().values("pk")[:1]
    return (
        Change.objects.filter(at__lte=settled_before())
        .alias(visible_id=Subquery(visible))
        .filter(Q(kind__in=Change.REMOVALS) | Q(visible_id__isnull=False))
    )
