"""HTTP done right: validators and 304s, caching headers, no stale answer after a publish, gzip, CORS, JSON errors."""

import gzip
import json

import pytest
from django.contrib.staticfiles import finders

from articles import workflow
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_etag_and_last_modified_give_304s(client, story):
    first = client.get("/api/v1/stories/")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert client.get("/api/v1/stories/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/api/v1/stories/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/api/v1/stories/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_cache_control_is_the_reader_pages_and_private_with_a_key(client, story, settings, make_key):
    response = client.get(f"/api/v1/stories/{story.pk}/")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control
    assert f"s-maxage={settings.PAGE_CACHE_SHARED_SECONDS}" in cache_control
    assert "Authorization" in response["Vary"]
    _key, secret = make_key()
    keyed = client.get(f"/api/v1/stories/{story.pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert "private" in keyed["Cache-Control"]
    assert "no-store" in client.get("/api/v1/stories/999999/")["Cache-Control"]


def test_no_stale_answer_after_a_publish_or_an_unpublish(client, world, editor, committed):
    with committed():
        story = ArticleFactory(section=world, title="First")
    assert client.get("/api/v1/stories/")["X-Cache"] == "MISS"
    assert client.get("/api/v1/stories/")["X-Cache"] == "HIT"
    with committed():
        newer = ArticleFactory(section=world, title="Second")
    listed = [item["id"] for item in client.get("/api/v1/stories/").json()["results"]]
    assert newer.pk in listed
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 200
    with committed():
        workflow.unpublish(story, editor, reason="Legal")
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 404
    assert story.pk not in [item["id"] for item in client.get("/api/v1/stories/").json()["results"]]


def test_answers_are_gzipped_for_clients_that_accept_it(client, world):
    for _ in range(5):
        ArticleFactory(section=world, body="Long enough to be worth compressing. " * 20)
    response = client.get("/api/v1/stories/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(json.loads(gzip.decompress(response.content))["results"]) == 5


def test_cors_allows_get_from_the_configured_origins_only(client, story, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    allowed = client.get("/api/v1/stories/", HTTP_ORIGIN="https://app.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert not client.get("/api/v1/stories/", HTTP_ORIGIN="https://evil.example").has_header(
        "Access-Control-Allow-Origin"
    )
    preflight = client.options(
        "/api/v1/stories/",
        HTTP_ORIGIN="https://app.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    # The reader site is not opened to other origins.
    assert not client.get("/", HTTP_ORIGIN="https://app.example.org").has_header("Access-Control-Allow-Origin")


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/stories/999999/", 404),
        ("get", "/api/v1/no-such-thing/", 404),
        ("get", "/api/v2/stories/", 404),
        ("post", "/api/v1/stories/", 405),
        ("delete", "/api/v1/stories/", 405),
        ("get", "/api/v1/stories/?page_size=1000", 400),
    ],
)
def test_errors_are_json(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["detail"]


def test_the_schema_and_the_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/stories/", "/api/v1/stories/{id}/", "/api/v1/changes/", "/api/v1/sections/",
                 "/api/v1/authors/", "/api/v1/tags/", "/api/v1/corrections/"):  # fmt: skip
        assert path in paths
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "https://" not in docs and "<style" not in docs and "<script>" not in docs
    assert client.get("/api/v1/docs/?script=").status_code == 200
    # The files come with drf-spectacular-sidecar, found (and collected) like any other static file.
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
