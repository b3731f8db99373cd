"""Whole-page caching for readers, keyed by the content generation; it knows nothing of stories.

- ``pagecache.middleware``: ``PageCacheMiddleware`` (serves and stores anonymous pages).
- ``pagecache.generation``: the content generation (read it, move it on) and what content
  apps call from their ``AppConfig.ready()``: ``register_schedule()``, ``changes_are_public()``,
  and from their receivers ``content_changed()`` / ``note_go_live()``.
- ``pagecache.store``: the cache failing open, ``remember()``, ``page_cache_scope()``.
- ``pagecache.checks``: the ``check --deploy`` note ``pagecache.I001``.
- ``pagecache.models``: ``ContentGeneration``, the one row.
"""
