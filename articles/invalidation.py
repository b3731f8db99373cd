"""Which changes readers can see, and the content generation that records them.

Everything cached from what readers can see (whole pages, list lengths, sitemap
dates, the section tree) is kept under the current *content generation*, one
row in the database (``ContentGeneration``). A change readers could see moves it
on with an ``UPDATE`` in the same transaction as the change itself, so every
process on every server agrees the moment the change commits, whatever cache is
configured, and a rolled-back change moves nothing.

Only changes readers can see move it:

- a story's save or deletion, if the story was visible before (``published()``)
  or is now (``Article.is_published``): drafts, stories in review or sent back,
  transitions between hidden states and imports of drafts leave it alone;
- a byline, tag, source or correction of a visible story;
- any section or author change, a renamed tag or source (all public);
- bulk writes that send no signals call ``content_changed()`` themselves
  (``generate_newsroom``, ``restore``, the search index rebuild).

Revisions, transitions, preview links and import records are never shown to
readers and are not listened to. A story scheduled or embargoed for later moves
nothing when saved but brings ``next_change_at`` forward; the first request
after that moment starts a new generation (``current_generation``).

Reading the generation costs one query, once per request (the middleware keeps
it for the request, see ``request_generation``).
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from .models import Article, ContentGeneration

# Fields a story's save may touch without changing anything readers see.
UNSEEN_FIELDS = frozenset({"updated_at", "updated_by", "version", "search_vector", "submitted_at", "body_html"})

# The generation read for the request being handled, once (see request_generation()).
_request_memo: ContextVar[list | None] = ContextVar("content_generation_memo", default=None)
# The last generation this process read, kept for an outage (see newsroom.page_cache).
last_known: ContentGeneration | None = None


def current_generation() -> ContentGeneration:
    """The generation to read and store cached things under now.

    Starts a new one first if a scheduled or embargoed story has gone live since the last.
    """
    global last_known
    memo = _request_memo.get()
    if memo:
        return memo[0]
    generation = ContentGeneration.objects.filter(pk=1).first() or _create_row()
    if generation.next_change_at and generation.next_change_at <= timezone.now():
        generation = _roll_over()
    if memo is not None:
        memo.append(generation)
    last_known = generation
    return generation


def current_generation_id() -> str:
    """Part of a cache key for anything derived from what readers can see (pages, counts)."""
    return current_generation().key


@contextmanager
def request_generation() -> Iterator[None]:
    """Read the generation at most once while handling one request (the middleware wraps each in this).

    A change saved by the request itself forgets it again (see ``content_changed``).
    """
    reset = _request_memo.set([])
    try:
        yield
    finally:
        _request_memo.reset(reset)


def content_changed(*, takedown: bool = False, goes_live_at: datetime | None = None) -> None:
    """Move the generation on, in the current transaction: what readers see has changed.

    ``takedown``: something readers could see is no longer visible, so no page from an
    earlier generation may be served, not even for the few seconds a stale copy is
    allowed while a page is rebuilt. ``goes_live_at``: a story becomes visible then.
    """
    changes = {"number": F("number") + 1, "token": secrets.token_hex(8), "changed_at": timezone.now()}
    if takedown:
        changes["takedown_number"] = F("number") + 1
    if goes_live_at is not None:
        changes["next_change_at"] = _earliest(goes_live_at)
    _update(**changes)


def everything_changed() -> None:
    """After bulk writes that send no signals (``generate_newsroom``, ``restore``): nothing cached may be kept.

    Counted as a takedown (stories may have gone), and the next scheduled go-live looked up again.
    """
    content_changed(takedown=True)
    _update(next_change_at=Article.objects.next_visibility_change())


def note_go_live(moment: datetime) -> None:
    """A story will become visible at ``moment``: start a new generation then, nothing now."""
    _update(next_change_at=_earliest(moment))


def _earliest(moment: datetime):
    return Least(Coalesce(F("next_change_at"), Value(moment)), Value(moment))


def _update(**changes) -> None:
    if not ContentGeneration.objects.filter(pk=1).update(**changes):
        _create_row()
        ContentGeneration.objects.filter(pk=1).update(**changes)
    memo = _request_memo.get()
    if memo:
        memo.clear()  # this request changed content: read the generation again when next needed


def _create_row(using: str = "default") -> ContentGeneration:
    """The one row; a random token, so that a new database never names pages cached from another."""
    generation, _ = ContentGeneration.objects.using(using).get_or_create(pk=1, defaults={"token": secrets.token_hex(8)})
    return generation


def create_generation_row(using: str = "default", **kwargs) -> None:
    """post_migrate (``migrate``, ``flush``): the row exists before the first request needs it."""
    _create_row(using)


def _roll_over() -> ContentGeneration:
    """A scheduled story has gone live: a new generation, and the next such moment looked up again.

    Under the row's lock, so that a story scheduled meanwhile is not forgotten and
    concurrent requests roll over once.
    """
    with transaction.atomic():
        generation = ContentGeneration.objects.select_for_update().get(pk=1)
        if generation.next_change_at and generation.next_change_at <= timezone.now():
            ContentGeneration.objects.filter(pk=1).update(
                number=F("number") + 1,
                token=secrets.token_hex(8),
                changed_at=timezone.now(),
                next_change_at=Article.objects.next_visibility_change(),
            )
            generation.refresh_from_db()
    return generation


def visible(article_id: int | None) -> bool:
    """Whether readers can see the story with this id now, by the one rule (``published()``)."""
    return article_id is not None and Article.objects.published().filter(pk=article_id).exists()


# --- Signal receivers ------------------------------------------------------------------------


def story_about_to_change(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """pre_save/pre_delete: note whether readers can see the story as the database has it."""
    instance._was_visible = raw or visible(instance.pk)


def story_saved(sender, instance: Article, raw: bool = False, update_fields=None, **kwargs) -> None:
    was_visible = getattr(instance, "_was_visible", True)
    now_visible = instance.is_published
    if raw:
        content_changed()
    elif was_visible or now_visible:
        if update_fields is not None and not set(update_fields) - UNSEEN_FIELDS:
            return  # bookkeeping only (a version, who saved): nothing readers see
        content_changed(takedown=was_visible and not now_visible, goes_live_at=_later_go_live(instance))
    elif (moment := _later_go_live(instance)) is not None:
        note_go_live(moment)  # scheduled or embargoed: shown later, by itself


def _later_go_live(story: Article) -> datetime | None:
    moment = story.live_from
    return moment if moment is not None and moment > timezone.now() else None


def story_deleted(sender, instance: Article, **kwargs) -> None:
    if getattr(instance, "_was_visible", True):
        content_changed(takedown=True)


def story_part_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A byline, tag link or correction: news to readers only on a story they can see."""
    article_id = instance.content_object_id if hasattr(instance, "content_object_id") else instance.article_id
    if raw or visible(article_id):
        content_changed()


def public_thing_changed(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    """A section or an author: public pages of their own (navigation, the staff list)."""
    content_changed()


def label_changed(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    """A tag or a source: seen only through the stories that carry it, which a new one has none of."""
    if raw or not created:
        content_changed()


def story_sources_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if visible(instance.pk):
            content_changed()
    elif pk_set is None or Article.objects.published().filter(pk__in=pk_set).exists():
        content_changed()


def connect_signals() -> None:
    """Listen to every model readers can see, and to nothing else."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
    from taggit.models import Tag

    from authors.models import Author

    from .models import Byline, Correction, Section, Source, TaggedArticle

    def connect(signal, receiver, model) -> None:
        signal.connect(receiver, sender=model, dispatch_uid=f"invalidation.{receiver.__name__}.{model.__name__}")

    connect(pre_save, story_about_to_change, Article)
    connect(pre_delete, story_about_to_change, Article)
    connect(post_save, story_saved, Article)
    connect(post_delete, story_deleted, Article)
    for model in (Byline, TaggedArticle, Correction):
        connect(post_save, story_part_changed, model)
        connect(post_delete, story_part_changed, model)
    for model in (Section, Author):
        connect(post_save, public_thing_changed, model)
        connect(post_delete, public_thing_changed, model)
    for model in (Tag, Source):
        connect(post_save, label_changed, model)
        connect(post_delete, label_changed, model)
    connect(m2m_changed, story_sources_changed, Article.sources.through)
