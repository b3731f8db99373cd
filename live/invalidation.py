"""Which changes to live coverage readers can see, and which cached pages they reach.

Posts come every few minutes and show on two addresses only: the live story's page and its update
endpoint, which declare the story's scope (``pagecache.scopes``, ``scope_name``). So a post's change
moves that scope, not the content generation: those two are rendered again at their next request (never
served stale, so a deleted post is gone at once) and the rest of the site stays cached. It counts by the
one rule, ``LivePost.objects.public()``: when the post was public before or is now; a post awaiting
approval, or any post on a story readers cannot see, moves nothing. The coverage's changes (key points,
closing) move the scope when its story is visible (``articles.invalidation.visible``); a story becoming a
live story or ceasing to be one changes what its address shows, cached without a scope: the generation.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles.invalidation import visible
from pagecache.generation import content_changed
from pagecache.scopes import scope_changed

from .models import LiveCoverage, LivePost


def scope_name(story_id: int) -> str:
    """The page cache's scope of a live story's page and update endpoint."""
    return f"live:{story_id}"


def public(post_id: int | None) -> bool:
    return post_id is not None and LivePost.objects.public().filter(pk=post_id).exists()


def post_about_to_change(sender, instance: LivePost, raw: bool = False, **kwargs) -> None:
    instance._was_public = raw or public(instance.pk)


def post_saved(sender, instance: LivePost, raw: bool = False, **kwargs) -> None:
    was_public = getattr(instance, "_was_public", True)
    now_public = public(instance.pk)
    if raw or was_public or now_public:
        scope_changed(scope_name(instance.coverage_id))


def post_deleted(sender, instance: LivePost, **kwargs) -> None:
    if getattr(instance, "_was_public", True):
        scope_changed(scope_name(instance.coverage_id))


def post_authors_changed(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, LivePost) and public(instance.pk):
        scope_changed(scope_name(instance.coverage_id))


def coverage_changed(sender, instance: LiveCoverage, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not (raw or visible(instance.article_id)):
        return
    if raw or created or kwargs.get("signal") is post_delete:
        content_changed()  # the story's address becomes, or stops being, a live page
    else:
        scope_changed(scope_name(instance.article_id))


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
