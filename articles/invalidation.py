"""Which changes to stories readers can see: the receivers that move the page cache's content generation.

The page cache (``pagecache``) keys everything by a content generation and knows
nothing of stories; this module tells it when stories change for readers, by the
one visibility rule (``published()`` and its Python twin, ``Article.live_from``).
``ArticlesConfig.ready()`` connects it (``connect_receivers``). Only changes readers
can see move the generation:

- a story's save or deletion, if the story was visible before (``published()``)
  or is now (``Article.is_published``): drafts, stories in review or sent back,
  transitions between hidden states and imports of drafts leave it alone;
- a byline, tag, source or correction of a visible story;
- any section change, a renamed tag or source (all public);
- a worker having made the renditions of a visible story's lead image (pages
  rendered before showed the original: ``images.lifecycle.renditions_made``);
- a library picture that is a visible story's lead picture being changed (alt text, caption, credit,
  licence, focal point) or having its renditions made.

Revisions, transitions, preview links and import records are never shown to
readers and are not listened to. A story scheduled or embargoed for later moves
nothing when saved but brings the generation's ``next_change_at`` forward
(``note_go_live``); the next such moment is looked up with
``Article.objects.next_visibility_change`` (registered with ``register_schedule``).
"""

from datetime import datetime

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from images.lifecycle import renditions_made
from media_library.models import Image
from pagecache.generation import changes_are_public, content_changed, note_go_live, register_schedule

from .models import Article, Byline, Correction, Section, Source, TaggedArticle

# Fields a story's save may touch without changing anything readers see.
UNSEEN_FIELDS = frozenset(
    {"updated_at", "updated_by", "version", "search_vector", "submitted_at", "body_html", "page_parts"}
)


def visible(article_id: int | None) -> bool:
    """Whether readers can see the story with this id now, by the one rule (``published()``)."""
    return article_id is not None and Article.objects.published().filter(pk=article_id).exists()


def story_about_to_change(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """pre_save/pre_delete: note whether readers can see the story as the database has it."""
    instance._was_visible = raw or visible(instance.pk)


def was_visible_before(instance: Article) -> bool:
    """During a story's post_save or post_delete: whether readers could see it before (noted in pre_save/pre_delete).

    For other listeners (the content API's changes feed), so that one query per save answers it for all.
    """
    return getattr(instance, "_was_visible", True)


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


def label_changed(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    """A tag or a source: seen only through the stories that carry it, which a new one has none of."""
    if raw or not created:
        content_changed()


def story_sources_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    """Sources or authors added to or taken from stories through their many-to-many managers (``add()``,
    ``remove()``, ``set()``: no post_save of the link rows), from either side."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if visible(instance.pk):
            content_changed()
    elif pk_set is None or Article.objects.published().filter(pk__in=pk_set).exists():
        content_changed()


def picture_changed(sender, instance: Image, **kwargs) -> None:
    """A library picture readers see changed: a published story's lead picture or one in its body
    (``BodyPicture``), or an author's photo (every author has a public page)."""
    shown = Q(lead_picture=instance) | Q(body_pictures__image=instance)
    if Article.objects.published().filter(shown).exists() or instance.portrait_of.exists():
        content_changed()


def picture_ready(sender, field_name: str, name: str, **kwargs) -> None:
    """A worker made a library picture's renditions: pages rendered meanwhile showed the original."""
    shown = Q(lead_picture__file=name) | Q(body_pictures__image__file=name)
    if Article.objects.published().filter(shown).exists() or Author.objects.filter(photo__file=name).exists():
        content_changed()


def connect_receivers() -> None:
    """Listen to this app's models readers can see (and to taggit's tags), and to nothing else."""

    def connect(signal, receiver, model) -> None:
        signal.connect(receiver, sender=model, dispatch_uid=f"invalidation.{receiver.__name__}.{model.__name__}")

    connect(pre_save, story_about_to_change, Article)
    connect(pre_delete, story_about_to_change, Article)
    connect(post_save, story_saved, Article)
    connect(post_delete, story_deleted, Article)
    for model in (Byline, TaggedArticle, Correction):
        connect(post_save, story_part_changed, model)
        connect(post_delete, story_part_changed, model)
    changes_are_public(Section)
    for model in (Tag, Source):
        connect(post_save, label_changed, model)
        connect(post_delete, label_changed, model)
    connect(m2m_changed, story_sources_changed, Article.sources.through)
    # Bylines are saved one by one in the desk (post_save above); ``article.authors.add()`` sends only this.
    connect(m2m_changed, story_sources_changed, Article.authors.through)
    connect(post_save, picture_changed, Image)
    connect(renditions_made, picture_ready, Image)
    register_schedule(Article.objects.next_visibility_change)
