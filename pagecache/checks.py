"""``check --deploy``: where cached pages are kept, when that costs renders."""

from django.core.checks import CheckMessage, Info, Tags, register

from .store import page_cache_scope


@register(Tags.caches, deploy=True)
def check_page_cache_scope(app_configs=None, **kwargs) -> list[CheckMessage]:
    if page_cache_scope() != "per-process":
        return []
    return [
        Info(
            "Each server process keeps its own copy of cached pages (no REDIS_URL).",
            hint="Correct with any number of processes and servers (they share the content generation through "
            "the database), but every process renders each page once per change. Set REDIS_URL to share pages.",
            id="pagecache.I001",
        )
    ]
