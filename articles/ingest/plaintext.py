"""Plain-text stories, as correspondents file them (see ``articles/demo/buna-times-rutte-kyiv.txt``).

The format, read the way an editor would read it:

- the first non-empty line is the headline;
- every other line is a paragraph (blank lines and lines of spaces are ignored);
- a short line with no closing punctuation between two paragraphs is a subheading;
- ``Source: NAME`` (optionally followed by a URL) names where the copy came from;
- a closing paragraph in which the writer introduces themselves
  (“I am David Wyatt, a professional writer…”) names the author and is their bio;
- optional ``Standfirst:``, ``Kicker:`` and ``Tags:`` lines fill those fields.

Everything else is kept exactly as written, curly quotes included. The text is
escaped on its way into Markdown so that nothing in it (``<script>``, ``# ``,
``[x](…)``) turns into markup.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from . import IngestError

# A subheading is a short line: at most this many words…
SUBHEADING_MAX_WORDS = 12
# …that does not end like a sentence or a quotation.
SENTENCE_ENDINGS = tuple('.!?…:;,"”’»)')
STANDFIRST_MAX_CHARS = 300

_FIELD_LINE = re.compile(r"^\s*(source|standfirst|summary|kicker|tags)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_SELF_INTRODUCTION = re.compile(
    r"^\s*(?:I am|I['’]m|My name is)\s+"
    r"(?P<name>[A-Z\u00C0-\u024F\u0400-\u04FF][\w'’.-]*(?:\s+[A-Z\u00C0-\u024F\u0400-\u04FF][\w'’.-]*){0,3})"
    r"\s*(?:[,.;–—-]|$)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“‘«(]?[A-Z\u00C0-\u024F\u0400-\u04FF0-9])")


class PlainTextError(IngestError):
    """The file cannot be read as a story; the message says why, for the person importing it."""


@dataclass
class ParsedSource:
    name: str
    url: str = ""
    kind: str = ""  # a ``Source.Kind`` value for a source created by the import; empty means “other”


@dataclass
class ParsedAuthor:
    name: str
    bio: str = ""


@dataclass
class ParsedStory:
    """A story read from outside copy, before it touches the database.

    Every format (plain text, ninjs, feeds) produces one of these, so the
    importer has a single path. ``identity`` is what makes a second import of
    the same item recognisable: ``text:<sha256>``, ``ninjs:<uri>`` or
    ``feed:<feed>#<item>``.
    """

    title: str
    body: str
    standfirst: str = ""
    kicker: str = ""
    tags: list[str] = field(default_factory=list)
    sources: list[ParsedSource] = field(default_factory=list)
    authors: list[ParsedAuthor] = field(default_factory=list)
    origin: str = "text"  # an ``ImportedItem.Origin`` value
    identity: str = ""
    original_url: str = ""  # the item's own page at the source, when it has one
    published_at: datetime | None = None  # when the source published it
    embargo_until: datetime | None = None  # the source's embargo, if any


def parse_plain_text(text: str) -> ParsedStory:
    """Read a plain-text story. Raises ``PlainTextError`` when there is no story in it."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise PlainTextError("The file is empty: there is no headline or text in it.")
    # The same words in the same lines are the same story, whatever the line endings, BOM or blank lines.
    identity = "text:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()

    title, rest = lines[0], lines[1:]
    if _FIELD_LINE.match(title):
        label = title.split(":")[0].strip()
        raise PlainTextError(f"The first line should be the headline, but it is a “{label}:” line.")
    if len(title) > 255:
        raise PlainTextError("The first line is too long to be a headline (over 255 characters).")

    story = ParsedStory(title=title, body="", identity=identity)
    paragraphs: list[str] = []
    for line in rest:
        field_line = _FIELD_LINE.match(line)
        if field_line:
            _apply_field(story, field_line.group(1).lower(), field_line.group(2))
        else:
            paragraphs.append(line)

    if paragraphs:
        introduction = _SELF_INTRODUCTION.match(paragraphs[-1])
        if introduction and len(paragraphs) > 1:
            story.authors.append(ParsedAuthor(name=introduction.group("name").strip(" .,"), bio=paragraphs.pop()))

    blocks = []
    for index, paragraph in enumerate(paragraphs):
        between_paragraphs = 0 < index < len(paragraphs) - 1
        if between_paragraphs and _looks_like_subheading(paragraph):
            blocks.append("## " + escape_markdown(paragraph))
        else:
            blocks.append(escape_markdown(paragraph))
    story.body = "\n\n".join(blocks)

    if not story.standfirst:
        first_paragraph = next((p for p in paragraphs if not _looks_like_subheading(p)), "")
        story.standfirst = derive_standfirst(first_paragraph)
    return story


def paragraphs_to_markdown(text: str) -> str:
    """Plain text with one paragraph per line (blank lines ignored) as an escaped Markdown body."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n\n".join(escape_markdown(line) for line in lines if line)


def _apply_field(story: ParsedStory, name: str, value: str) -> None:
    if name == "source":
        url_match = _URL.search(value)
        url = url_match.group(0).rstrip(").,") if url_match else ""
        source_name = _URL.sub("", value).strip(" ()–—-,")
        if source_name or url:
            story.sources.append(ParsedSource(name=source_name or url, url=url))
    elif name in {"standfirst", "summary"}:
        story.standfirst = value[:500]
    elif name == "kicker":
        story.kicker = value[:60]
    elif name == "tags":
        story.tags.extend(tag.strip() for tag in value.split(",") if tag.strip())


def _looks_like_subheading(line: str) -> bool:
    return len(line.split()) <= SUBHEADING_MAX_WORDS and not line.endswith(SENTENCE_ENDINGS)


def derive_standfirst(paragraph: str, limit: int = STANDFIRST_MAX_CHARS) -> str:
    """The opening sentences of ``paragraph`` that fit in ``limit`` characters (at least one)."""
    sentences = _SENTENCE_END.split(paragraph.strip())
    standfirst = ""
    for sentence in sentences:
        candidate = f"{standfirst} {sentence}".strip()
        if standfirst and len(candidate) > limit:
            break
        standfirst = candidate
        if len(standfirst) >= limit // 2:
            break
    if len(standfirst) > limit:
        standfirst = standfirst[: limit - 1].rsplit(" ", 1)[0] + "…"
    return standfirst


_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]])")
_BLOCK_START = re.compile(r"^(\s*)([#>+|-]|\d+[.)])")
# Markdown already shows a lone “&” as itself; only “&name;” would become a character.
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


def escape_markdown(text: str) -> str:
    """Make ``text`` render as exactly itself in Markdown: no markup, no raw HTML."""
    escaped = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
    escaped = _INLINE_SPECIALS.sub(r"\\\1", escaped)
    return _BLOCK_START.sub(lambda m: m.group(1) + _escape_block_marker(m.group(2)), escaped)


def _escape_block_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker
