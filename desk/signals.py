"""A real save of a story removes the saver's autosave of it: the saved story supersedes it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article

from . import autosaves


@receiver(post_save, sender=Article, dispatch_uid="desk.autosave_superseded")
def _autosave_superseded(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        autosaves.superseded_by_save(instance)
