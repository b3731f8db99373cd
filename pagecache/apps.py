from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deploy check)
        from .generation import create_generation_row

        # The content generation's one row, in every migrated (or flushed) database.
        post_migrate.connect(create_generation_row, sender=self, dispatch_uid="pagecache.create_generation_row")
