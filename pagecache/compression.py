"""Compressed pages: brotli or gzip as the client accepts, compressed once when a page is stored.

A cached page keeps its compressed copies beside its plain bytes (``compressed_copies``), so a cache
hit chooses one (``choose_encoding``) and costs no compression; a page rendered for an anonymous
reader without the cache is compressed in the one encoding that reader asked for.

BREACH: an attacker who can put text in a page (a search query) and watch the compressed size
can learn a secret in the same page a byte at a time. So only *public* pages are compressed
(``may_compress``): answered to a request without a session cookie, setting no cookie (a page that
shows a CSRF token sets the CSRF cookie) and not marked private or uncacheable (previews, whose
address is their secret token, are marked never to be cached). Staff pages, forms and previews go
out uncompressed.
"""

import gzip
import hashlib

import brotli
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# What is worth compressing: reader pages, feeds, sitemaps and JSON-LD-free text formats.
COMPRESSIBLE_TYPES = (
    "text/html",
    "text/xml",
    "text/plain",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
)
# Below this, compression saves less than a network packet and costs more than it saves.
MIN_SIZE = 512
# Brotli 5 and gzip 6: within a few per cent of the best ratio at a fraction of the CPU, since a
# page is compressed on the first request after each publish (brotli 11 costs ~20× more).
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
ENCODINGS = ("br", "gzip")  # preferred first


def may_compress(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether ``response`` is a public page worth compressing (see BREACH above)."""
    if response.status_code != 200 or response.streaming or response.has_header("Content-Encoding"):
        return False
    if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES) or len(response.content) < MIN_SIZE:
        return False
    cache_control = response.get("Cache-Control", "")
    return (
        not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def compress(content: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY)
    # mtime=0: the same page always compresses to the same bytes (and the same ETag).
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def compressed_copies(content: bytes) -> dict[str, bytes]:
    """Every encoding's copy of ``content``, for storing with a cached page."""
    return {encoding: compress(content, encoding) for encoding in ENCODINGS}


def choose_encoding(request: HttpRequest) -> str | None:
    """The best encoding the client accepts ("br", "gzip"), or None for the plain page.

    An encoding counts as accepted when named (or ``*``) without ``q=0``.
    """
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if not header:
        return None
    accepted = set()
    for item in header.lower().split(","):
        name, _, parameters = item.partition(";")
        quality = parameters.strip().removeprefix("q=").strip() if parameters else "1"
        try:
            if float(quality or "1") <= 0:
                continue
        except ValueError:
            continue
        accepted.add(name.strip())
    for encoding in ENCODINGS:
        if encoding in accepted or "*" in accepted:
            return encoding
    return None


def etag(content: bytes) -> str:
    """A strong ETag of the bytes sent, worked out once when a page is stored rather than on each hit."""
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


def encode(response: HttpResponse, encoding: str | None, content: bytes | None) -> HttpResponse:
    """``response`` carrying ``content`` (its copy in ``encoding``), or as it is for the plain page.

    Either way it varies by Accept-Encoding, so that a shared cache keeps each copy apart.
    """
    if encoding is not None and content is not None:
        response.content = content
        response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(content))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def compress_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered without the cache: compressed in the encoding asked for, if it is public."""
    if not may_compress(request, response):
        return response
    encoding = choose_encoding(request)
    return encode(response, encoding, compress(response.content, encoding) if encoding else None)
