"""Story bodies: Markdown source in, reader-safe HTML out.

Markdown lets writers use raw HTML, so its output is never trusted: it goes
through nh3 (the ammonia sanitizer) with an allow-list of tags, attributes and
URL schemes. Scripts, event handlers, ``style`` and ``javascript:`` or ``data:``
URLs never survive. Text is left as written: no "smart" quote substitution, so
curly quotes and non-Latin scripts come out exactly as they went in.

Library pictures and embeds are written in Markdown (the README, "Pictures and embeds in a story"):
a paragraph holding only ``![](image:123)``, a ``::: gallery`` block of such lines, a paragraph holding
only an http(s) address. What they show changes after the story is saved (a caption edited, a licence
run out), so the stored HTML keeps *markers* (``<figure data-picture>``, ``<ul data-gallery>``,
``<p data-embed>``) that ``articles.body_media`` turns into the reader's HTML on each render.
"""

import re
import threading
from xml.etree.ElementTree import Element, SubElement

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
    "a", "em", "strong", "b", "i", "s", "sub", "sup", "code", "pre", "abbr", "cite",
    "q", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Kept only in story bodies written here, never in imported HTML: ``articles.body_media`` reads them.
MARKER_ATTRIBUTES = {
    "figure": {"data-picture", "data-alt", "data-caption"},
    "ul": {"data-gallery"},
    "p": {"data-embed"},
}

# ``![alt](image:123 "caption")``, alone on its line; alt and caption may be empty or left out.
PICTURE_LINE = re.compile(r'^!\[(?P<alt>[^\]]*)\]\(\s*image:(?P<id>\d{1,18})(?:\s+"(?P<caption>[^"]*)")?\s*\)$')
# A bare address (or ``<address>``) alone in its paragraph: an embed if its provider is allowed.
ADDRESS_LINE = re.compile(r"^<?(?P<url>https?://[^\s<>]+)>?$", re.IGNORECASE)
GALLERY_START = re.compile(r"^:::\s*gallery\s*$")
GALLERY_END = ":::"


def _picture_marker(parent: Element, match: re.Match, tag: str = "figure") -> Element:
    marker = SubElement(parent, tag) if tag == "figure" else parent
    marker.tag = "figure"
    marker.text = None
    marker.set("data-picture", str(int(match["id"])))
    if match["alt"].strip():
        marker.set("data-alt", match["alt"].strip())
    if match["caption"] is not None:
        marker.set("data-caption", match["caption"].strip())
    return marker


class _Galleries(BlockProcessor):
    """``::: gallery`` … ``:::``: the picture lines between become one gallery, blank lines or not."""

    def test(self, parent: Element, block: str) -> bool:
        return bool(GALLERY_START.match(block.split("\n", 1)[0].strip()))

    def run(self, parent: Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")[1:]
        while GALLERY_END not in (line.strip() for line in lines) and blocks:
            lines += ["", *blocks.pop(0).split("\n")]
        gallery = SubElement(parent, "ul")
        gallery.set("data-gallery", "")
        rest: list[str] = []
        for position, line in enumerate(lines):
            if line.strip() == GALLERY_END:
                rest = lines[position + 1 :]
                break
            match = PICTURE_LINE.match(line.strip())
            if match:  # anything else inside a gallery is left out
                _picture_marker(SubElement(gallery, "li"), match)
        if any(line.strip() for line in rest):
            blocks.insert(0, "\n".join(rest))


class _PicturesAndEmbeds(Treeprocessor):
    """Paragraphs holding only a library picture or only an address become markers (before inline
    Markdown runs, so an address keeps its underscores and stays text)."""

    def run(self, root: Element) -> None:
        for paragraph in root.iter("p"):
            if len(paragraph) or not paragraph.text:
                continue
            text = paragraph.text.strip()
            if match := PICTURE_LINE.match(text):
                _picture_marker(paragraph, match, tag="")
            elif match := ADDRESS_LINE.match(text):
                paragraph.set("data-embed", match["url"])
                paragraph.text = AtomicString(match["url"])


class _InlineLibraryPictures(Treeprocessor):
    """A library picture in the middle of a sentence is not a figure: its alt text stands in for it."""

    def run(self, root: Element) -> None:
        for image in root.iter("img"):
            if image.get("src", "").startswith("image:"):
                alt = image.get("alt", "")
                image.attrib.clear()
                image.tag, image.text = "span", alt


class _DemoteTitleHeadings(Treeprocessor):
    """The page's only ``<h1>`` is the headline, so a ``#`` in the body becomes ``<h2>``."""

    def run(self, root: Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _NewsroomExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_DemoteTitleHeadings(md), "demote_title_headings", 5)
        md.treeprocessors.register(_InlineLibraryPictures(md), "inline_library_pictures", 4)
        # Before "inline" (20): the paragraphs' text is still the writer's.
        md.treeprocessors.register(_PicturesAndEmbeds(md), "pictures_and_embeds", 25)
        md.parser.blockprocessors.register(_Galleries(md.parser), "galleries", 105)


def sanitize_html(html: str, *, extra_tags: frozenset[str] = frozenset(), markers: bool = False) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes.

    ``extra_tags`` keeps more tags without attributes, e.g. layout tags such as
    ``div`` whose boundaries the importer needs to see; never behaviour.
    ``markers`` keeps the picture and embed markers (plain data, read by ``articles.body_media``).
    """
    attributes = ALLOWED_ATTRIBUTES
    if markers:
        attributes = {tag: ALLOWED_ATTRIBUTES.get(tag, set()) | MARKER_ATTRIBUTES.get(tag, set())
                      for tag in ALLOWED_ATTRIBUTES.keys() | MARKER_ATTRIBUTES.keys()}  # fmt: skip
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | extra_tags,
        attributes=attributes,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a converter costs more than converting a paragraph; each thread keeps
    # one (they are not thread-safe) and resets it between documents.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=["sane_lists", "tables", _NewsroomExtension()], output_format="html"
        )
    return converter.reset()


def render_markdown(source: str) -> str:
    """Render a story body to HTML that is safe to show to readers."""
    return sanitize_html(_converter().convert(source), markers=True)


def render_page_markdown(source: str) -> SafeString:
    """Render a publication page (about, terms…) to safe HTML: Markdown without the story body's pictures."""
    return mark_safe(
        sanitize_html(markdown.markdown(source, extensions=["sane_lists", "tables"], output_format="html"))
    )
