"""Reader pages, feeds and sitemaps go out compressed, stored compressed, and never compressed beside a secret."""

import gzip

import brotli
import pytest

from articles import previews
from pagecache import compression
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/world/", "/tags/nato/", "/authors/david-wyatt/", "/search/?q=Rutte", "/feeds/rss/", "/sitemap.xml"]
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture
def pages(story, world):
    # Long enough to be worth compressing everywhere.
    ArticleFactory.create_batch(6, section=world, authors=list(story.authors.all()), tags=["NATO"])
    return [*PAGES, story.get_absolute_url()]


def _plain(response) -> bytes:
    encoding = response.get("Content-Encoding")
    return DECODE[encoding](response.content) if encoding else response.content


def test_cached_compressed_and_plain_copies_are_byte_identical_once_decompressed(client, pages):
    for url in pages:
        miss = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert miss.status_code == 200, url
        assert miss["X-Cache"] == "MISS" and miss["Content-Encoding"] == "br", url
        plain = client.get(url)
        assert plain["X-Cache"] == "HIT" and not plain.has_header("Content-Encoding"), url
        for accept, encoding in [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")]:
            hit = client.get(url, HTTP_ACCEPT_ENCODING=accept)
            assert hit["X-Cache"] == "HIT" and hit["Content-Encoding"] == encoding, (url, accept)
            assert _plain(hit) == plain.content, (url, accept)
            assert "Accept-Encoding" in hit["Vary"] and hit["Content-Length"] == str(len(hit.content))
        assert _plain(miss) == plain.content, url
        assert "Accept-Encoding" in plain["Vary"], url


def test_each_encoding_has_its_own_etag_and_revalidates(client, pages):
    url = pages[0]
    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url)
    assert gzipped["ETag"] != plain["ETag"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=gzipped["ETag"])
    assert again.status_code == 304


def test_a_cache_hit_costs_no_compression(client, pages, monkeypatch):
    url = pages[0]
    client.get(url, HTTP_ACCEPT_ENCODING="br")

    def refuse(*args, **kwargs):
        raise AssertionError("a hit compressed its page")

    monkeypatch.setattr(compression, "compress", refuse)
    for accept in ("br", "gzip", ""):
        assert client.get(url, HTTP_ACCEPT_ENCODING=accept)["X-Cache"] == "HIT"


def test_pages_rendered_without_the_cache_are_compressed_too(client, pages, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for url in pages:
        compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        plain = client.get(url)
        assert compressed["Content-Encoding"] == "gzip", url
        assert _plain(compressed) == plain.content, url


def test_no_compression_when_the_client_does_not_ask(client, pages):
    for accept in ("", "identity", "gzip;q=0, br;q=0", "deflate"):
        assert not client.get(pages[0], HTTP_ACCEPT_ENCODING=accept).has_header("Content-Encoding"), accept


# --- BREACH: a secret next to reflected input is never compressed ------------------------------------


def test_staff_pages_are_not_compressed(client, pages, editor):
    client.force_login(editor)
    for url in [*pages, "/admin/"]:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        assert not response.has_header("Content-Encoding"), url


def test_a_page_carrying_a_csrf_token_is_not_compressed(client, db):
    response = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_a_preview_is_not_compressed(client, story, editor):
    _link, token = previews.create_link(story, editor)
    response = client.get(f"/preview/{token}/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200 and story.title.encode() in response.content
    assert not response.has_header("Content-Encoding")


def test_responses_that_set_a_cookie_or_are_private_are_not_compressed(rf):
    from django.http import HttpResponse

    request = rf.get("/", HTTP_ACCEPT_ENCODING="gzip")
    body = "x" * 2000
    with_cookie = HttpResponse(body)
    with_cookie.set_cookie("csrftoken", "secret")
    private = HttpResponse(body, headers={"Cache-Control": "private"})
    public = HttpResponse(body)
    assert not compression.may_compress(request, with_cookie)
    assert not compression.may_compress(request, private)
    assert compression.may_compress(request, public)
    request.COOKIES["sessionid"] = "abc"
    assert not compression.may_compress(request, public)
