"""IPTC ninjs (News in JSON), versions 1.x and 2.0: agency items into ``ParsedStory``.

A file holds one item (an object), a list of items, or an object whose
``items`` is that list. Each item is read on its own, so one bad item is
refused while the others go on.

What is read, by version (2.0 names first):

- headline: ``headlines`` (the ``main`` one, else the first) or ``headline``;
- body: ``bodies`` (HTML preferred to plain text), or ``body_html``,
  ``body_xhtml``, ``body_text``: HTML is sanitized and converted to Markdown,
  plain text escaped, one paragraph per line;
- standfirst: ``descriptions`` or ``description_html``/``description_text``,
  else the body's first sentences;
- byline: ``by`` or ``byline`` (“By A and B” gives two authors);
- the agency, kept as the story's source: ``infosources``, else
  ``copyrightholder``, else ``provider``;
- tags: ``subjects``/``subject``, ``places``/``place`` and ``keywords`` (by name);
- ``located`` becomes the kicker (the label above the headline), as a dateline;
- ``embargoed`` becomes the story's embargo; ``versioncreated`` (or
  ``firstcreated``) is when the agency published it;
- ``uri`` is the item's identity, so a second import of it is recognised and an
  agency's update to it becomes a new revision.

Items withdrawn by the agency (``pubstatus`` withheld or canceled) and items
that are not text (pictures, video…) are refused with the reason.
"""

import json
import re
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

from . import IngestError
from .htmltext import first_paragraph, html_to_markdown, html_to_text
from .plaintext import ParsedAuthor, ParsedSource, ParsedStory, derive_standfirst, paragraphs_to_markdown

WITHDRAWN = {"withheld", "canceled", "cancelled"}
TEXT_TYPES = {"text", "composite"}
STANDFIRST_MAX_CHARS = 500
KICKER_MAX_CHARS = 60
_BYLINE_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)
_BYLINE_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


class NinjsError(IngestError):
    """The file, or one item in it, is not ninjs we can import."""


def parse_ninjs(text: str) -> list[ParsedStory | NinjsError]:
    """Every item in a ninjs file: a story, or the reason that item is refused.

    Raises ``NinjsError`` when the file as a whole is not ninjs (invalid JSON, no items).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NinjsError(
            f"The file is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    results: list[ParsedStory | NinjsError] = []
    for item in _items(data):
        try:
            results.append(parse_item(item))
        except NinjsError as error:
            results.append(error)
    return results


def _items(data: object) -> list:
    if isinstance(data, dict) and isinstance(data.get("items"), list) and data["items"]:
        return data["items"]
    if isinstance(data, dict) and "items" not in data:
        return [data]
    if isinstance(data, list) and data:
        return data
    raise NinjsError("The JSON holds no ninjs item: expected an object with a “uri”, or a list of them.")


def parse_item(item: object) -> ParsedStory:
    """One ninjs item as a story; raises ``NinjsError`` saying why it cannot be one."""
    if not isinstance(item, dict):
        raise NinjsError("This item is not a JSON object, so it is not a ninjs item.")
    uri = _text(item.get("uri"))
    if not uri:
        raise NinjsError("The item has no “uri”: it is what recognises the item when the agency sends it again.")
    status = _text(item.get("pubstatus")).lower()
    if status in WITHDRAWN:
        raise NinjsError(f"The agency has withdrawn this item (pubstatus “{status}”), so it is not imported.")
    kind = _text(item.get("type")).lower() or "text"
    if kind not in TEXT_TYPES:
        raise NinjsError(f"Only text items are imported; this one is a {kind} item.")
    title = _headline(item)
    if not title:
        raise NinjsError("The item has no headline (neither “headline” nor “headlines”).")

    body, opening = _body(item)
    agency = _agency(item)
    story = ParsedStory(
        title=title,
        body=body,
        standfirst=_description(item) or derive_standfirst(opening),
        kicker=_text(item.get("located"))[:KICKER_MAX_CHARS],
        tags=_tags(item),
        sources=[agency] if agency else [],
        authors=_authors(_text(item.get("by")) or _text(item.get("byline")), agency),
        origin="ninjs",
        identity=f"ninjs:{uri}",
        published_at=_datetime(item.get("versioncreated")) or _datetime(item.get("firstcreated")),
        embargo_until=_datetime(item.get("embargoed")),
    )
    return story


def _text(value: object) -> str:
    return _WHITESPACE.sub(" ", value).strip() if isinstance(value, str) else ""


def _is_html(entry: dict) -> bool:
    return "html" in _text(entry.get("contenttype")).lower()


def _entries(item: dict, name: str) -> list[dict]:
    """The 2.0 list ``name`` (headlines, bodies, descriptions), keeping only entries with a text value."""
    value = item.get(name)
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict) and isinstance(entry.get("value"), str)]


def _headline(item: dict) -> str:
    headlines = _entries(item, "headlines")
    if headlines:
        chosen = next((entry for entry in headlines if entry.get("role") == "main"), headlines[0])
        return html_to_text(chosen["value"]) if _is_html(chosen) else _text(chosen["value"])
    return _text(item.get("headline"))


def _body(item: dict) -> tuple[str, str]:
    """The body as Markdown, and its opening paragraph as plain text (for a standfirst)."""
    bodies = [entry for entry in _entries(item, "bodies") if entry["value"].strip()]
    if bodies:
        chosen = next((entry for entry in bodies if _is_html(entry)), bodies[0])
        html = chosen["value"] if _is_html(chosen) else None
        text = None if html is not None else chosen["value"]
    else:
        html = next((item[key] for key in ("body_html", "body_xhtml") if _has_text(item.get(key))), None)
        text = item.get("body_text") if html is None and _has_text(item.get("body_text")) else None
    if html is not None:
        return html_to_markdown(html), first_paragraph(html)
    if text is not None:
        opening = next((line.strip() for line in text.splitlines() if line.strip()), "")
        return paragraphs_to_markdown(text), opening
    return "", ""


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _description(item: dict) -> str:
    descriptions = [entry for entry in _entries(item, "descriptions") if entry["value"].strip()]
    if descriptions:
        chosen = descriptions[0]
        text = html_to_text(chosen["value"]) if _is_html(chosen) else _text(chosen["value"])
    elif _has_text(item.get("description_html")):
        text = html_to_text(item["description_html"])
    else:
        text = _text(item.get("description_text"))
    return derive_standfirst(text, limit=STANDFIRST_MAX_CHARS) if len(text) > STANDFIRST_MAX_CHARS else text


def _agency(item: dict) -> ParsedSource | None:
    for source in item.get("infosources") or []:
        if isinstance(source, dict) and _text(source.get("name")):
            uri = _text(source.get("uri"))
            return ParsedSource(
                name=_text(source["name"]), url=uri if uri.startswith(("http://", "https://")) else "", kind="wire"
            )
    for key in ("copyrightholder", "provider"):
        value = item.get(key)
        name = _text(value.get("name")) if isinstance(value, dict) else _text(value)
        if name:
            return ParsedSource(name=name, kind="wire")
    return None


def _authors(byline: str, agency: ParsedSource | None) -> list[ParsedAuthor]:
    names = _BYLINE_SEPARATORS.split(_BYLINE_PREFIX.sub("", byline)) if byline else []
    agency_name = agency.name.lower() if agency else None
    unique = dict.fromkeys(name.strip(" .") for name in names)
    return [ParsedAuthor(name=name) for name in unique if name and name.lower() != agency_name]


def _tags(item: dict) -> list[str]:
    names = []
    for key in ("subjects", "subject", "places", "place"):
        for entry in item.get(key) or []:
            if isinstance(entry, dict) and _text(entry.get("name")):
                names.append(_text(entry["name"]))
    for keyword in item.get("keywords") or []:
        if _text(keyword):
            names.append(_text(keyword))
    return list(dict.fromkeys(names))


def _datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
