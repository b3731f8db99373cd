"""HTML from outside (agency bodies, feed items) into a Markdown story body, or into plain text.

The HTML is sanitized first, with the site's own allow-list
(``rendering.sanitize_html``) plus a few layout tags such as ``div`` whose
boundaries mark paragraphs: scripts, event handlers, ``style`` and
``javascript:`` links are gone before anything else reads it.

What is left becomes plain Markdown rather than raw HTML kept inside the body.
Editors work on bodies as Markdown, and an HTML block in Markdown is opaque to
them (Markdown inside it is not even read). Every piece of text goes through
``escape_markdown``, so nothing the agency wrote turns into markup: the only
markup in the result is what this module writes. Saving the story renders and
sanitizes it again.

Kept: paragraphs, subheadings, quotes, lists, links (absolute ones), emphasis,
inline code, line breaks and tables. Dropped: images, since a story's pictures
are chosen by an editor and remote images are not hotlinked.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from ..rendering import ALLOWED_URL_SCHEMES, sanitize_html
from .plaintext import escape_markdown

# Kept through sanitizing only so that their boundaries still separate paragraphs.
LAYOUT_TAGS = frozenset(
    {"div", "section", "article", "header", "footer", "main", "aside", "address", "h1", "dl", "dt", "dd",
     "details", "summary"}
)  # fmt: skip
_PARAGRAPH_TAGS = LAYOUT_TAGS - {"h1"} | {"p", "figure", "figcaption"}
_HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_BLOCK_TAGS = _PARAGRAPH_TAGS | set(_HEADINGS) | {
    "blockquote", "ul", "ol", "li", "pre", "hr", "br", "table", "tr", "td", "th",
}  # fmt: skip
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_WHITESPACE = re.compile(r"\s+")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_LINE_BREAK = "\n"  # inside a paragraph; written out as a Markdown hard break


def html_to_markdown(html: str) -> str:
    """Outside HTML as a Markdown body: sanitized, then converted, with all text escaped."""
    writer = _MarkdownWriter()
    writer.feed(sanitize_html(html, extra_tags=LAYOUT_TAGS))
    writer.close()
    return writer.markdown()


def html_to_text(html: str) -> str:
    """Outside HTML as one line of plain text (for headlines and standfirsts)."""
    collector = _TextCollector()
    collector.feed(sanitize_html(html, extra_tags=LAYOUT_TAGS))
    collector.close()
    return _WHITESPACE.sub(" ", "".join(collector.parts)).strip()


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


class _MarkdownWriter(HTMLParser):
    """Sanitized HTML to Markdown, block by block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (separator before it, Markdown block)
        self.parts: list[str] = []  # the inline Markdown of the block being read
        self.open_inline: list[tuple[str, int, str]] = []  # (tag, where its text starts in parts, href)
        self.quotes = 0
        self.lists: list[list] = []  # [ordered, next number] for each open list
        self.item_marker = ""  # the open list item's marker, until its first block is written
        self.heading = 0
        self.pre = 0
        self.code = 0
        self.table: list[list[str]] | None = None
        self.cell_start: int | None = None
        self.last_was_item = False
        self.last_quotes = 0

    # --- Reading ---

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag in _PARAGRAPH_TAGS:
            self._end_block()
        elif tag in _HEADINGS:
            self._end_block()
            self.heading = _HEADINGS[tag]
        elif tag == "blockquote":
            self._end_block()
            self.quotes += 1
        elif tag in ("ul", "ol"):
            self._end_block()
            start = attributes.get("start") or "1"
            self.lists.append([tag == "ol", int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._end_block()
            if not self.lists:
                self.lists.append([False, 1])
            current = self.lists[-1]
            self.item_marker = f"{current[1]}." if current[0] else "-"
            current[1] += 1
        elif tag == "pre":
            self._end_block()
            self.pre += 1
        elif tag == "hr":
            self._end_block()
            self._add_block("* * *")
        elif tag == "br":
            self.parts.append(_LINE_BREAK)
        elif tag == "table":
            self._end_block()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            if not self.table:
                self.table.append([])
            self.cell_start = len(self.parts)
        elif tag in _EMPHASIS or tag in ("a", "q") or (tag == "code" and not self.pre):
            self.open_inline.append((tag, len(self.parts), attributes.get("href") or ""))
            if tag == "code":
                self.code += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _PARAGRAPH_TAGS:
            self._end_block()
        elif tag in _HEADINGS:
            self._end_block()
            self.heading = 0
        elif tag == "blockquote":
            self._end_block()
            self.quotes = max(0, self.quotes - 1)
        elif tag in ("ul", "ol"):
            self._end_block()
            if self.lists:
                self.lists.pop()
        elif tag == "li":
            self._end_block()
            self.item_marker = ""
        elif tag == "pre":
            self._end_block()
            self.pre = max(0, self.pre - 1)
        elif tag in ("td", "th") and self.table is not None and self.cell_start is not None:
            cell = "".join(self.parts[self.cell_start :])
            del self.parts[self.cell_start :]
            self.table[-1].append(_WHITESPACE.sub(" ", cell).strip())
            self.cell_start = None
        elif tag == "table" and self.table is not None:
            rows, self.table = self.table, None
            self._add_table(rows)
        elif tag in _EMPHASIS or tag in ("a", "q", "code"):
            self._close_inline(tag)

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.parts.append(data)
        elif self.code:
            self.parts.append(_WHITESPACE.sub(" ", data))
        else:
            self.parts.append(escape_markdown(_WHITESPACE.sub(" ", data)))

    def close(self) -> None:
        super().close()
        while self.open_inline:
            self._close_inline(self.open_inline[-1][0])
        self._end_block()

    # --- Writing ---

    def markdown(self) -> str:
        text = "".join(separator + block for separator, block in self.blocks)
        return text.strip("\n")

    def _close_inline(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _, _ in self.open_inline):
            return
        while True:
            open_tag, start, href = self.open_inline.pop()
            inner = "".join(self.parts[start:])
            del self.parts[start:]
            self.parts.append(_wrap(open_tag, inner, href))
            if open_tag == "code":
                self.code = max(0, self.code - 1)
            if open_tag == tag:
                return

    def _end_block(self) -> None:
        if self.table is not None:
            return  # cells collect their own text; the table is written when it ends
        text, self.parts = "".join(self.parts), []
        self.open_inline = [(tag, 0, href) for tag, _, href in self.open_inline]
        if self.pre:
            lines = text.strip("\n").split("\n")
            if any(line.strip() for line in lines):
                self._add_block("\n".join("    " + line for line in lines))
            return
        lines = [line.strip() for line in text.split(_LINE_BREAK)]
        lines = [line for line in lines if line]
        if not lines:
            return
        if self.heading:
            self._add_block("#" * self.heading + " " + " ".join(lines))
        else:
            self._add_block("  \n".join(lines))

    def _add_table(self, rows: list[list[str]]) -> None:
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [[_UNESCAPED_PIPE.sub(r"\\|", cell) for cell in row] + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "| " + " | ".join(["---"] * width) + " |")
        self._add_block("\n".join(lines))

    def _add_block(self, block: str) -> None:
        depth = len(self.lists)
        indent = "    " * max(0, depth - 1)
        is_item = bool(self.item_marker)
        if is_item:
            marker = self.item_marker + " "
            lines = block.split("\n")
            block = "\n".join([indent + marker + lines[0], *(indent + "    " + line for line in lines[1:])])
            self.item_marker = ""
        elif depth:
            block = "\n".join("    " * depth + line for line in block.split("\n"))
        if self.quotes:
            block = "\n".join(("> " * self.quotes + line).rstrip() for line in block.split("\n"))
        if is_item and self.last_was_item:
            separator = "\n"
        elif self.quotes and self.quotes == self.last_quotes:
            separator = "\n" + ">" * self.quotes + "\n"
        else:
            separator = "\n\n"
        self.blocks.append((separator, block))
        self.last_was_item, self.last_quotes = is_item, self.quotes


def _wrap(tag: str, inner: str, href: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
    if tag == "a":
        url = _link_target(href)
        return f"{lead}[{stripped}]({url}){trail}" if url else inner
    if tag == "q":
        return f"{lead}“{stripped}”{trail}"
    if tag == "code":
        fence = "`" * (max((len(run) for run in re.findall(r"`+", stripped)), default=0) + 1)
        padding = " " if stripped.startswith("`") or stripped.endswith("`") else ""
        return f"{lead}{fence}{padding}{stripped}{padding}{fence}{trail}"
    mark = _EMPHASIS[tag]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _link_target(href: str) -> str:
    """An absolute http(s), mailto or tel address, made safe inside ``(…)``; else nothing."""
    href = href.strip()
    if urlsplit(href).scheme.lower() not in ALLOWED_URL_SCHEMES:
        return ""  # relative links point nowhere on our site
    for character, encoded in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        href = href.replace(character, encoded)
    return href


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)


def first_paragraph(html: str) -> str:
    """The text of the first non-empty ``<p>`` (else of the whole HTML), for a standfirst."""
    clean = sanitize_html(html, extra_tags=LAYOUT_TAGS)
    for match in _FIRST_PARAGRAPH.finditer(clean):
        text = html_to_text(match.group(1))
        if text:
            return text
    return html_to_text(clean)
