"""Outside copy into stories waiting for review: plain-text files, IPTC ninjs and RSS/Atom feeds.

One idea per module: ``decoding`` (bytes to text), ``plaintext``, ``ninjs`` and
``feeds`` (each format to ``ParsedStory``), ``htmltext`` (outside HTML to a
Markdown body) and ``importer`` (identity, one transaction per item, the report).
"""

MAX_BYTES = 2 * 1024 * 1024  # a file or download larger than this is refused unread


class IngestError(ValueError):
    """Outside copy that cannot become a story; the message says why, for the person importing it."""
