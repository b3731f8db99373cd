"""Merging tags: every link of every tagged model (stories, images, anything on taggit's generic table)
moves to the tag kept, and the others go."""

from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from taggit.models import GenericTaggedItemBase, ItemBase, Tag

from pagecache.generation import content_changed


def _link_models() -> list[type[ItemBase]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ItemBase) and any(field.name == "tag" for field in model._meta.fields)
    ]


@transaction.atomic
def merge_tags(keep: Tag, others: Iterable[Tag]) -> int:
    """Move every link of ``others`` to ``keep`` (an object tagged with both keeps one link), delete
    ``others``; returns how many links moved. Readers' pages change (tag pages, story tags)."""
    others = [tag for tag in others if tag.pk != keep.pk]
    moved = 0
    for model in _link_models():
        generic = issubclass(model, GenericTaggedItemBase)
        target = ("content_type", "object_id") if generic else ("content_object",)
        kept = set(model.objects.filter(tag=keep).values_list(*target))
        for tag in others:  # one tag at a time: two merged tags on one story must not both move to it
            for link in model.objects.filter(tag=tag):
                key = tuple(getattr(link, f"{name}_id" if name != "object_id" else name) for name in target)
                if key in kept:
                    link.delete()
                else:
                    model.objects.filter(pk=link.pk).update(tag=keep)
                    kept.add(key)
                    moved += 1
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    content_changed()
    return moved
