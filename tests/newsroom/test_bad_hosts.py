"""A request for a host the site does not serve: a plain 400 on every path, without a traceback or a query."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BAD_HOSTS = ["evil.example", "203.0.113.9", "news.example.evil.example:8000", "bad host!"]


def paths(story) -> list[str]:
    return [
        "/",
        story.get_absolute_url(),
        "/world/",
        "/healthz",
        "/admin/login/",
        "/admin/articles/article/",
        "/static/css/site.css",
        "/feeds/rss/",
        "/no-such-section/nothing/here/",
    ]


@pytest.fixture
def collected_static(settings, tmp_path):
    """A collected static file, so WhiteNoise would serve it as it does in production."""
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text("body { color: black; }")
    settings.STATIC_ROOT = root
    return root


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_every_path_answers_our_plain_400_without_a_traceback(story, collected_static, host, server_log):
    client = Client(raise_request_exception=False)  # middleware is loaded with the collected static files
    for path in paths(story):
        for method in (client.get, client.head, client.post):
            response = method(path, HTTP_HOST=host)
            assert response.status_code == 400, (path, method.__name__, response.status_code)
            if method is client.get:
                html = response.content.decode()
                assert "We couldn’t understand that request" in html, path
                assert "/static/css/site.css" in html  # our styled page, not Django's bare one
    assert not [record for record in server_log if record.levelno >= logging.ERROR or record.exc_info]


def test_the_400_page_asks_nothing_of_the_database(story, collected_static, django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        for path in paths(story):
            assert client.get(path, HTTP_HOST="evil.example").status_code == 400


def test_a_bad_host_is_noted_in_one_warning_line_naming_it(story, server_log):
    client = Client(raise_request_exception=False)
    client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert [(record.levelname, record.getMessage()) for record in server_log] == [
        (
            "WARNING",
            "Invalid HTTP_HOST header: '10.0.0.7'. You may need to add '10.0.0.7' to ALLOWED_HOSTS. "
            "(GET /healthz answered 400)",
        )
    ]


def test_a_listed_host_and_an_ip_address_added_to_allowed_hosts_are_served(settings, story):
    settings.ALLOWED_HOSTS = ["news.example", "10.0.0.7"]
    client = Client()
    assert client.get("/", HTTP_HOST="news.example").status_code == 200
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/healthz", HTTP_HOST="10.0.0.8").status_code == 400
