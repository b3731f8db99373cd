"""Slugs: unique ones for new objects, and the ones a section may not take."""

import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLResolver, get_resolver
from django.utils.text import slugify

# Top-level paths that are not routes of their own today but must stay free
# (well-known files and prefixes that proxies and browsers ask for).
ALWAYS_RESERVED = {
    "static", "media", "feeds", "feed", "rss", "api", "accounts", "login", "logout",
    "favicon.ico", "robots.txt", "sitemap.xml", "news-sitemap.xml", "humans.txt",
    "well-known", ".well-known", "healthz", "preview", "archive", "corrections", "search",
    "tags", "authors", "admin", "sitemaps",
}  # fmt: skip


def unique_slug(
    model: type[models.Model], text: str, *, max_length: int = 140, taken: Callable[[str], bool] | None = None
) -> str:
    """A slug for ``text`` not yet used by ``model``, suffixed -2, -3… when taken.

    ``taken`` answers whether a slug is in use, for models whose slugs are reserved beyond their own
    rows (a story's former addresses); by default, whether a row of ``model`` has it.
    """
    if taken is None:

        def taken(slug: str) -> bool:
            return model._default_manager.filter(slug=slug).exists()

    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or "untitled"
    candidate, counter = base, 2
    while taken(candidate):
        suffix = f"-{counter}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        counter += 1
    return candidate


@cache
def reserved_top_level_slugs() -> frozenset[str]:
    """Every first path segment the site's own URLs use, plus ``ALWAYS_RESERVED``.

    Read from the URLconf, so a new top-level route is reserved the day it is added.
    """
    reserved = set(ALWAYS_RESERVED)
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and "://" not in prefix:
            reserved.add(prefix.strip("/").split("/")[0])
    reserved.update(_literal_first_segments(get_resolver().url_patterns))
    reserved.discard("")
    return frozenset(reserved)


def _literal_first_segments(patterns: list) -> set[str]:
    segments = set()
    for pattern in patterns:
        route = str(pattern.pattern)
        if route in {"", "^"} and isinstance(pattern, URLResolver):
            # An include() mounted at the root: its own routes are top level too.
            segments |= _literal_first_segments(pattern.url_patterns)
            continue
        literal = re.match(r"\^?([\w.-]+)", route)
        if literal:
            segments.add(literal.group(1).lower())
    return segments


def validate_section_slug(value: str) -> None:
    if value.lower() in reserved_top_level_slugs():
        raise ValidationError(
            "“%(slug)s” is used by another part of the site (/%(slug)s/); choose another slug.",
            code="reserved_slug",
            params={"slug": value},
        )


class SlugFromName:
    """For models with a ``name`` and a ``slug``: a unique slug is made from the name on the first save.

    A mixin rather than an abstract model, so the models keep their own field definitions
    (lengths, uniqueness, help texts) and their migrations.
    """

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)
