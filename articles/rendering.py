"""Story bodies: Markdown source in, reader-safe HTML out.

Markdown lets writers use raw HTML, so its output is never trusted: it goes
through nh3 (the ammonia sanitizer) with an allow-list of tags, attributes and
URL schemes. Scripts, event handlers, ``style`` and ``javascript:`` or ``data:``
URLs never survive. Text is left as written: no "smart" quote substitution, so
curly quotes and non-Latin scripts come out exactly as they went in.
"""

import threading
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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


class _DemoteTitleHeadings(Treeprocessor):
    """The page's only ``<h1>`` is the headline, so a ``#`` in the body becomes ``<h2>``."""

    def run(self, root: Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _NewsroomExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_DemoteTitleHeadings(md), "demote_title_headings", 5)


def sanitize_html(html: str, *, extra_tags: frozenset[str] = frozenset()) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes.

    ``extra_tags`` keeps more tags without attributes, e.g. layout tags such as
    ``div`` whose boundaries the importer needs to see; never behaviour.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | extra_tags,
        attributes=ALLOWED_ATTRIBUTES,
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
    return sanitize_html(_converter().convert(source))
