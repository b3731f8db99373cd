"""Which changes to live coverage readers can see: the receivers that move the page cache's content generation.

By the one rule, ``LivePost.objects.public()``: a post's save or deletion moves the generation when the
post was public before or is now (a deletion or a post no longer public as a takedown, so no stale copy
of the page is served meanwhile); a post awaiting approval, or any post on a story readers cannot see,
moves nothing. The coverage's own changes (key points, closing) count when its story is visible
(``articles.invalidation.visible``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles.invalidation import visible
from pagecache.generation import content_changed

from .models import LiveCoverage, LivePost


def public(post_id: int | None) -> bool:
    return post_id is not None and LivePost.objects.public().filter(pk=post_id).exists()


def post_about_to_change(sender, instance: LivePost, raw: bool = False, **kwargs) -> None:
    instance._was_public = raw or public(instance.pk)


def post_saved(sender, instance: LivePost, raw: bool = False, **kwargs) -> None:
    was_public = getattr(instance, "_was_public", True)
    now_public = public(instance.pk)
    if raw or was_public or now_public:
        content_changed(takedown=was_public and not now_public)


def post_deleted(sender, instance: LivePost, **kwargs) -> None:
    if getattr(instance, "_was_public", True):
        content_changed(takedown=True)


def post_authors_changed(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, LivePost) and public(instance.pk):
        content_changed()


def coverage_changed(sender, instance: LiveCoverage, raw: bool = False, **kwargs) -> None:
    if raw or visible(instance.article_id):
        content_changed()


def connect_receivers() -> None:
    def connect(signal, receiver, model) -> None:
        signal.connect(receiver, sender=model, dispatch_uid=f"live.invalidation.{receiver.__name__}")

    connect(pre_save, post_about_to_change, LivePost)
    connect(pre_delete, post_about_to_change, LivePost)
    connect(post_save, post_saved, LivePost)
    connect(post_delete, post_deleted, LivePost)
    connect(m2m_changed, post_authors_changed, LivePost.authors.through)
    connect(post_save, coverage_changed, LiveCoverage)
    connect(post_delete, coverage_changed, LiveCoverage)
