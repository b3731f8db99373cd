"""RSS and Atom feeds, from a file or a URL, into ``ParsedStory`` items, read by feedparser.

feedparser is the long-kept parser for every RSS and Atom dialect; it is given
bytes (wrapped in a stream, so it never takes them for a path or a URL to open)
and it fetches nothing itself. External entities are off in its XML parser. A
feed that is not well-formed XML is refused, not guessed at: its loose
fallback would import whatever it could make of it.

Each item keeps its link (``original_url``) and the feed is its source (a
partner outlet). Its identity is ``feed:<feed id or link>#<item id or link>``,
so importing the feed again recognises items already imported.
"""

import hashlib
import http.client
import io
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from common import outbound

from . import MAX_BYTES, IngestError
from .decoding import refuse_binary
from .htmltext import html_to_markdown, html_to_text
from .plaintext import ParsedAuthor, ParsedSource, ParsedStory, derive_standfirst, paragraphs_to_markdown

FETCH_TIMEOUT = 15  # seconds for the whole download, not only for each read
USER_AGENT = "Newsroom story importer"
# Reported by feedparser, but the document itself was read correctly.
HARMLESS = (CharacterEncodingOverride, NonXMLContentType)


class FeedError(IngestError):
    """The feed, or one item in it, cannot be imported; or the URL could not be fetched."""


def parse_feed(data: bytes, *, location: str = "") -> list[ParsedStory | FeedError]:
    """Every item of an RSS or Atom document: a story, or the reason that item is refused.

    ``location`` is the feed's URL or file name, used to resolve relative links
    and, when the feed names neither an id nor a link, as its identity.
    Raises ``FeedError`` when the document as a whole is not a feed we can read.
    """
    refuse_binary(data)
    if b"<!ENTITY" in data[:MAX_BYTES]:
        # Entities are how XML reads local files or multiplies itself into gigabytes: no feed needs them.
        raise FeedError("The feed declares its own XML entities (<!ENTITY …>), which are refused for safety.")
    headers = {"content-location": location} if location.startswith(("http://", "https://")) else {}
    result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    problem = result.get("bozo_exception")
    if result.get("bozo") and not isinstance(problem, HARMLESS):
        # feedparser puts an XML declaration in front of a document without one: count from the original.
        declared = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
        raise FeedError(f"The feed is not well-formed XML: {_describe(problem, 0 if declared else 1)}.")
    if not result.get("version"):
        if b"<html" in data[:2048].lower():
            raise FeedError("This is a web page (HTML), not an RSS or Atom feed.")
        raise FeedError("This is not an RSS or Atom feed: no <rss>, <feed> or <rdf:RDF> document was found in it.")
    if not result.entries:
        raise FeedError("The feed has no items.")

    feed = result.feed
    link = _web_address(feed.get("link", ""))
    name = html_to_text(feed.get("title", "")) or urlsplit(link or location).netloc or location
    source = ParsedSource(name=name[:120], url=link, kind="partner") if name else None
    feed_key = feed.get("id") or link or location or name
    results: list[ParsedStory | FeedError] = []
    for entry in result.entries:
        try:
            results.append(_story(entry, feed_key, source))
        except FeedError as error:
            results.append(error)
    return results


def _story(entry: dict, feed_key: str, source: ParsedSource | None) -> ParsedStory:
    title = _plain(entry.get("title", ""), entry.get("title_detail"))
    if not title:
        raise FeedError("The item has no title.")
    link = _web_address(entry.get("link", ""))
    summary = _plain(entry.get("summary", ""), entry.get("summary_detail"))
    contents = [content for content in entry.get("content", []) if content.get("value", "").strip()]
    body_detail = next((c for c in contents if "html" in c.get("type", "")), contents[0] if contents else None)
    if body_detail is None and entry.get("summary", "").strip():
        body_detail = entry.get("summary_detail") or {"type": "text/html", "value": entry["summary"]}
    body = ""
    if body_detail is not None:
        value = body_detail.get("value", "")
        body = html_to_markdown(value) if "html" in body_detail.get("type", "html") else paragraphs_to_markdown(value)
    item_key = entry.get("id") or link or "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    source_name = source.name.lower() if source else None
    authors = [
        ParsedAuthor(name=author["name"].strip()[:120])
        for author in entry.get("authors", [])
        if author.get("name", "").strip() and author["name"].strip().lower() != source_name
    ]
    tags = [(tag.get("term") or tag.get("label") or "").strip() for tag in entry.get("tags", [])]
    return ParsedStory(
        title=title,
        body=body,
        standfirst=derive_standfirst(summary) if summary else "",
        tags=list(dict.fromkeys(tag for tag in tags if tag)),
        sources=[source] if source else [],
        authors=list({author.name.lower(): author for author in authors}.values()),
        origin="feed",
        identity=f"feed:{feed_key}#{item_key}",
        original_url=link,
        published_at=_when(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def _plain(value: str, detail: dict | None) -> str:
    """A title or summary as plain text; feedparser gives no type for a summary copied from content (HTML)."""
    if detail is None or "html" in detail.get("type", ""):
        return html_to_text(value)
    return " ".join(value.split())


def _web_address(url: str) -> str:
    url = (url or "").strip()
    return url if urlsplit(url).scheme in ("http", "https") and len(url) <= 1000 else ""


def _when(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def _describe(problem: Exception | None, added_lines: int) -> str:
    if problem is None:
        return "it could not be read"
    if hasattr(problem, "getLineNumber"):
        line = max(1, problem.getLineNumber() - added_lines)
        return f"{problem.getMessage()} (line {line}, column {problem.getColumnNumber()})"
    return str(problem) or type(problem).__name__


# --- Fetching a feed from a URL --------------------------------------------------


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http and https addresses (never file: or ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FeedError(f"{req.full_url} redirects to {newurl}, which is not a web address.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float | None = None, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """Download ``url`` (http or https only): its bytes and content type, within ``timeout`` and ``max_bytes``."""
    timeout = FETCH_TIMEOUT if timeout is None else timeout
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(f"Only http and https addresses can be fetched, not {url}.")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = outbound.build_opener(_WebOnlyRedirects)
    deadline = time.monotonic() + timeout
    too_big = f"{url} is larger than {max_bytes // (1024 * 1024)} MB, the most that is imported."
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FeedError(too_big)
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(too_big)
                if time.monotonic() > deadline:
                    raise TimeoutError
            return b"".join(chunks), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise FeedError(f"{url} answered {error.code} {error.reason}.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, outbound.ForbiddenAddressError):
            raise FeedError(f"{url} was refused: {error.reason}.") from None
        if isinstance(error.reason, TimeoutError):
            raise FeedError(f"{url} did not answer within {timeout:g} seconds.") from None
        raise FeedError(f"{url} could not be fetched: {error.reason}.") from None
    except TimeoutError:
        raise FeedError(f"{url} did not answer within {timeout:g} seconds.") from None
    except (OSError, http.client.HTTPException) as error:
        raise FeedError(f"{url} could not be fetched: {error or type(error).__name__}.") from None
