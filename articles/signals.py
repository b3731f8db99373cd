"""Keep what stories store of themselves and of other tables current: search vectors, page parts.

A change to a story, its tags, its bylines, a tag's name or an author's name
schedules a rebuild of the affected stories' vectors for when the transaction
commits: the vector is then built from what was saved, with every tag and
byline in place. A rename, which can touch thousands of stories, is rebuilt by a
background task (``articles.tasks``). Only PostgreSQL stores vectors; elsewhere nothing is scheduled.

Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: run
``manage.py update_search_index`` after them. Raw saves (``loaddata`` and other
fixture loading, ``raw=True``) are skipped the same way: a load of thousands of
rows must not queue a rebuild per row, and whoever loads rebuilds once at the end
(``restore`` does).
"""

from functools import partial

from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author
from common.background import enqueue
from media_library.models import Image

from . import tasks
from .models import Article, Byline, Correction, Source, TaggedArticle, page_parts
from .search import INDEXED_FIELDS, refresh_search_vectors, uses_full_text


def _refresh_on_commit(stories: models.QuerySet, using: str) -> None:
    if uses_full_text(using):
        # Robust: a failed refresh is logged, never turned into an error for the
        # editor whose save has already been committed; update_search_index repairs.
        transaction.on_commit(partial(refresh_search_vectors, stories.using(using)), using=using, robust=True)


def _changed(update_fields: frozenset[str] | None, fields: frozenset[str]) -> bool:
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver(post_save, sender=Article, dispatch_uid="search_story_saved")
def story_saved(sender, instance: Article, update_fields, using: str, raw: bool = False, **kwargs) -> None:
    if not raw and _changed(update_fields, INDEXED_FIELDS):
        _refresh_on_commit(Article.objects.filter(pk=instance.pk), using)


@receiver([post_save, post_delete], sender=TaggedArticle, dispatch_uid="search_story_tags_changed")
def story_tags_changed(sender, instance: TaggedArticle, using: str, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh_on_commit(Article.objects.filter(pk=instance.content_object_id), using)


@receiver([post_save, post_delete], sender=Byline, dispatch_uid="search_byline_changed")
def byline_changed(sender, instance: Byline, using: str, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh_on_commit(Article.objects.filter(pk=instance.article_id), using)


@receiver(post_save, sender=Tag, dispatch_uid="search_tag_renamed")
def tag_renamed(sender, instance: Tag, created: bool, update_fields, using: str, raw: bool = False, **kwargs) -> None:
    if not raw and not created and _changed(update_fields, frozenset({"name"})) and uses_full_text(using):
        enqueue(tasks.refresh_tag_stories, instance.pk, using, using=using)  # many stories: on a worker


@receiver(post_save, sender=Author, dispatch_uid="search_author_renamed")
def author_renamed(
    sender, instance: Author, created: bool, update_fields, using: str, raw: bool = False, **kwargs
) -> None:
    if not raw and not created and _changed(update_fields, frozenset({"name"})) and uses_full_text(using):
        enqueue(tasks.refresh_author_stories, instance.pk, using, using=using)  # many stories: on a worker


# --- What story pages store of other tables (``Article.page_parts``, see ``articles.models.page_parts``) ---
# Written again in the transaction of the change, whatever the story's state: a preview shows them too.


def _refresh_parts(stories: models.QuerySet) -> None:
    stories.refresh_page_parts()


def _refresh_story_parts(article_id: int) -> None:
    page_parts.refresh_ids([article_id])


@receiver([post_save, post_delete], sender=Byline, dispatch_uid="parts_byline_changed")
@receiver([post_save, post_delete], sender=Correction, dispatch_uid="parts_correction_changed")
def parts_of_story_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # a load (restore) brings each story's parts with it
        _refresh_story_parts(instance.article_id)


@receiver([post_save, post_delete], sender=TaggedArticle, dispatch_uid="parts_story_tags_changed")
def parts_tags_changed(sender, instance: TaggedArticle, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh_story_parts(instance.content_object_id)


@receiver(m2m_changed, sender=Article.sources.through, dispatch_uid="parts_story_sources_changed")
def parts_sources_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _refresh_story_parts(instance.pk)
    elif action == "pre_clear":  # a source's stories, cleared: the ones that had it, noted before
        instance._parts_stories = list(instance.articles.values_list("pk", flat=True))
    elif action == "post_clear":
        _refresh_parts(Article.objects.filter(pk__in=getattr(instance, "_parts_stories", [])))
    elif action in ("post_add", "post_remove"):
        _refresh_parts(Article.objects.filter(pk__in=pk_set))


@receiver(post_save, sender=Author, dispatch_uid="parts_author_changed")
def parts_author_changed(sender, instance: Author, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:  # a new author is on no story yet
        _refresh_parts(Article.objects.filter(bylines__author=instance))


@receiver(post_save, sender=Tag, dispatch_uid="parts_tag_changed")
def parts_tag_changed(sender, instance: Tag, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        _refresh_parts(Article.objects.filter(tagged_items__tag=instance))


@receiver(post_save, sender=Source, dispatch_uid="parts_source_changed")
def parts_source_changed(sender, instance: Source, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        _refresh_parts(Article.objects.filter(sources=instance))


@receiver(pre_delete, sender=Source, dispatch_uid="parts_source_going")
def parts_source_going(sender, instance: Source, **kwargs) -> None:
    instance._parts_stories = list(instance.articles.values_list("pk", flat=True))


@receiver(post_delete, sender=Source, dispatch_uid="parts_source_gone")
def parts_source_gone(sender, instance: Source, **kwargs) -> None:
    _refresh_parts(Article.objects.filter(pk__in=getattr(instance, "_parts_stories", [])))


@receiver(post_save, sender=Image, dispatch_uid="parts_picture_changed")
def parts_picture_changed(sender, instance: Image, raw: bool = False, created: bool = False, **kwargs) -> None:
    """A library picture in a story's body or an author's photo: its alt text, credit, licence, file…"""
    if not raw and not created:
        _refresh_parts(Article.objects.filter(Q(body_pictures__image=instance) | Q(bylines__author__photo=instance)))
