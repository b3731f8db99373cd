"""The path converters of reader addresses (``<uslug:…>``, ``<feed_format:…>``, ``<year:…>``, ``<month:…>``).

Registered once per process by ``ArticlesConfig.ready()``, before any URLconf is
loaded, so that ``articles.urls`` and ``articles.author_urls`` work whoever imports
them first (Django 6 refuses to register a converter twice).
"""

from django.urls import register_converter


class UnicodeSlugConverter:
    """Like Django's ``slug`` converter, but letting through non-Latin letters (Кыив, 東京)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FeedFormatConverter:
    """The last part of a feed's address: ``rss`` or ``atom``."""

    regex = "rss|atom"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    """A four-digit year from 1000 on; anything else is not an archive address (404)."""

    regex = "[1-9][0-9]{3}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    """A two-digit month, 01 to 12."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


CONVERTERS = {
    "uslug": UnicodeSlugConverter,
    "feed_format": FeedFormatConverter,
    "year": YearConverter,
    "month": MonthConverter,
}


_registered = False


def register_converters() -> None:
    """Once per process: ``ready()`` runs again for each app registry a test builds (``isolate_apps``)."""
    global _registered
    if _registered:
        return
    for name, converter in CONVERTERS.items():
        register_converter(converter, name)
    _registered = True
