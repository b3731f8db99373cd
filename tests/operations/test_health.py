"""The site as operations see it: the health check, and friendly error pages with debug off."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from articles.models import ArticleQuerySet

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_a_tiny_uncached_json_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok", "pages": "per-process"}
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert len(response.content) < 100


def test_healthz_answers_503_when_the_database_is_down(client, caplog):
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("operations.health.connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "failing",
        "database": "failing",
        "cache": "ok",
        "pages": "per-process",
    }
    assert "connection refused" not in response.content.decode()  # details go to the log only
    assert "connection refused" in caplog.text
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_degraded_but_200_when_the_cache_keeps_nothing(client, settings):
    # Pages still render without a cache: the instance must stay in the load balancer.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "cache": "failing",
        "pages": "off",
    }


def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_healthz_is_reachable_over_plain_http_when_the_rest_redirects_to_https(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # middleware reads the setting when it is loaded
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_not_found_page_is_friendly_with_debug_off(client, settings, story):
    settings.DEBUG = False
    response = client.get("/no-such-section/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert '<a href="/">Go to the front page</a>' in html
    assert ">World</a>" in html  # the site's own navigation, so readers can carry on
    assert "Traceback" not in html and "URLconf" not in html


def test_server_error_page_is_friendly_with_debug_off(settings, story):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with mock.patch.object(ArticleQuerySet, "front_page", side_effect=RuntimeError("secret detail")):
        response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html and "Traceback" not in html
