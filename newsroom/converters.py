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
