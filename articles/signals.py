"""Keep stories' stored search vectors current when the words in them change.

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
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author
from common.background import enqueue

from . import tasks
from .models import Article, Byline, TaggedArticle
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
