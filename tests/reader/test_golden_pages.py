"""What readers get, byte for byte: the regression guard for refactorings that must not change behaviour.

The demo newsroom is loaded with the clock frozen, a few extra stories and a correction are added
(so the corrections page, a scheduled, an embargoed and a draft story are covered), and every reader
page type, every feed, the sitemaps, robots.txt and the JSON-LD (inside the story and author pages)
are rendered and compared with the files committed under ``tests/reader/golden/``.

A difference fails the test with a diff. When a change of output is intended, regenerate the files on
purpose and commit them with the change that explains them::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -n 0 tests/reader/test_golden_pages.py

and read ``git diff tests/reader/golden/`` before committing.

Only what is truly random is normalised: the random part of stored upload names
(``stories/2026/<random>.jpg``, from ``secrets.token_urlsafe``) is replaced by the owner's slug, so
``stories/2026/<random>.jpg`` reads ``stories/2026/[story:<slug>].jpg`` (a library picture's, by its
caption: ``[picture:<caption>]``). Nothing else is touched:
times are frozen, settings that come from the environment are pinned here, and nothing on the
pages depends on primary keys (which differ between SQLite and PostgreSQL and between runs).
"""

import difflib
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils.text import slugify

from articles.models import Article, Byline, Correction, Section
from authors.models import Author
from media_library.models import Image

GOLDEN = Path(os.environ.get("GOLDEN_DIR") or Path(__file__).with_name("golden"))
NOW = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))

# Sequences start again at 1, so that feed ids (``tag:…:story/<pk>``) are the same whatever ran before.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

# file name in tests/reader/golden/ → (address, expected status)
PAGES = {
    "front.html": ("/", 200),
    "section-world.html": ("/world/", 200),
    "section-europe.html": ("/europe/", 200),
    "section-politics-page-2.html": ("/politics/?page=2", 404),
    "story-sample.html": (None, 200),  # the imported sample story, with a correction; address from the row
    "story-opinion.html": (None, 200),  # a story with two bylines
    "story-live.html": (None, 200),  # the demo's live story (live/demo.py), closed
    "live-updates.json": (None, 200),  # its update endpoint
    "authors.html": ("/authors/", 200),
    "author-david-wyatt.html": ("/authors/david-wyatt/", 200),
    "author-mei-lin-chen.html": ("/authors/mei-lin-chen/", 200),
    "tag-climate.html": ("/tags/climate/", 200),
    "archive.html": ("/archive/", 200),
    "archive-2026.html": ("/archive/2026/", 200),
    "archive-2026-03.html": ("/archive/2026/03/", 200),
    "archive-2026-02.html": ("/archive/2026/02/", 200),
    "search/{vendor}/climate.html": ("/search/?q=climate", 200),
    "search/{vendor}/nato-world.html": ("/search/?q=NATO&section=world", 200),
    "search/{vendor}/empty.html": ("/search/", 200),
    "corrections.html": ("/corrections/", 200),
    "not-found.html": ("/no-such-section/", 404),
    "feed-site.rss": ("/feeds/rss/", 200),
    "feed-site.atom": ("/feeds/atom/", 200),
    "feed-section-world.rss": ("/feeds/sections/world/rss/", 200),
    "feed-section-world.atom": ("/feeds/sections/world/atom/", 200),
    "feed-author-david-wyatt.rss": ("/feeds/authors/david-wyatt/rss/", 200),
    "feed-author-david-wyatt.atom": ("/feeds/authors/david-wyatt/atom/", 200),
    "feed-tag-climate.rss": ("/feeds/tags/climate/rss/", 200),
    "feed-tag-climate.atom": ("/feeds/tags/climate/atom/", 200),
    "sitemap.xml": ("/sitemap.xml", 200),
    "sitemap-sections.xml": ("/sitemaps/sections.xml", 200),
    "sitemap-stories.xml": ("/sitemaps/stories.xml", 200),
    "sitemap-authors.xml": ("/sitemaps/authors.xml", 200),
    "sitemap-tags.xml": ("/sitemaps/tags.xml", 200),
    "news-sitemap.xml": ("/news-sitemap.xml", 200),
    "robots.txt": ("/robots.txt", 200),
}

JSON_LD = re.compile(rb'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


@pytest.fixture
def pinned(settings):
    """Settings that come from the environment, pinned so that the pages do not depend on the machine."""
    settings.SITE_URL = "https://bunatimes.example"
    settings.LANGUAGE_CODE = "en-gb"
    settings.TIME_ZONE = "UTC"
    settings.ALLOWED_HOSTS = ["testserver"]


def _extras(now: datetime) -> None:
    """What the demo lacks: a correction, and stories readers must not see (scheduled, embargoed, draft)."""
    sample = Article.objects.get(slug__startswith="ukraine-is-closer")
    Correction.objects.create(
        article=sample,
        kind=Correction.Kind.CORRECTION,
        note="An earlier version of this story misspelt the name of the Secretary General.",
        created_at=now - timedelta(minutes=10),
    )
    world = Section.objects.get(slug="world")
    author = Author.objects.get(slug="david-wyatt")
    hidden = [
        ("A scheduled story readers must not see yet", Article.Status.PUBLISHED, now + timedelta(hours=3), None),
        ("An embargoed story readers must not see yet", Article.Status.PUBLISHED, now - timedelta(hours=1),
         now + timedelta(hours=2)),
        ("A draft readers must never see", Article.Status.DRAFT, None, None),
    ]  # fmt: skip
    for title, status, published_at, embargo in hidden:
        article = Article.objects.create(
            title=title,
            body="Climate and NATO words, so that search would find it if it leaked.",
            section=world,
            status=status,
            published_at=published_at,
            embargo_until=embargo,
        )
        Byline.objects.create(article=article, author=author, position=0)
        article.tags.set(["Climate"])


def _normalise(content: bytes) -> bytes:
    """Replace the random part of each stored upload name by its owner's slug (see the module docstring)."""
    for article in Article.objects.filter(lead_picture__isnull=False).select_related("lead_picture"):
        content = content.replace(_stem(article.lead_picture.file.name), f"[story:{article.slug}]".encode())
    for author in Author.objects.filter(photo__isnull=False).select_related("photo"):
        content = content.replace(_stem(author.photo.file.name), f"[author:{author.slug}]".encode())
    for picture in Image.objects.all():  # the others: pictures in bodies
        content = content.replace(_stem(picture.file.name), f"[picture:{slugify(picture.caption)}]".encode())
    return content


def _on_disk() -> set[str]:
    """The golden files of this database: the shared ones and its own search pages."""
    if not GOLDEN.exists():
        return set()
    return {
        str(path.relative_to(GOLDEN))
        for path in GOLDEN.rglob("*")
        if path.is_file() and (path.parent.parent.name != "search" or path.parent.name == connection.vendor)
    }


def _stem(name: str) -> bytes:
    return Path(name).stem.encode()


def _render(client) -> dict[str, bytes]:
    sample = Article.objects.get(slug__startswith="ukraine-is-closer")
    opinion = Article.objects.filter(section__slug="opinion", authors__isnull=False).distinct().first()
    # Search is full text on PostgreSQL and a simpler match elsewhere, by design: one set of files per database.
    addresses = {name.format(vendor=connection.vendor): page for name, page in PAGES.items()}
    addresses["story-sample.html"] = (sample.get_absolute_url(), 200)
    addresses["story-opinion.html"] = (opinion.get_absolute_url(), 200)
    live = Article.objects.get(live_coverage__isnull=False)
    addresses["story-live.html"] = (live.get_absolute_url(), 200)
    addresses["live-updates.json"] = (f"/live/{live.pk}/updates.json", 200)
    pages, statuses = {}, {}
    for name, (address, status) in addresses.items():
        response = client.get(address)
        statuses[name] = (address, response.status_code, status)
        pages[name] = _normalise(response.content)
    wrong = {name: got for name, got in statuses.items() if got[1] != got[2]}
    assert not wrong, f"unexpected status codes (address, got, expected): {wrong}"
    # The JSON-LD on its own, pretty-printed, so that a change to it reads as a small diff.
    for name in ("story-sample.html", "story-opinion.html", "story-live.html", "author-david-wyatt.html"):
        blocks = [json.loads(block) for block in JSON_LD.findall(pages[name])]
        assert blocks, f"{name} has no JSON-LD"
        pretty = json.dumps(blocks, indent=2, ensure_ascii=False) + "\n"
        pages[name.replace(".html", ".jsonld.json")] = pretty.encode()
    return pages


def test_reader_output_is_unchanged(client, pinned):
    with time_machine.travel(NOW, tick=False):
        # A real commit, as in production: what waits for it runs (search vectors on PostgreSQL, renditions).
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        _extras(NOW)
        pages = _render(client)

    if UPDATE:
        for old in _on_disk():
            (GOLDEN / old).unlink()
        for name, content in pages.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(content)
        return

    on_disk = _on_disk()
    assert on_disk == set(pages), f"tests/reader/golden/ and the pages rendered differ: {sorted(on_disk ^ set(pages))}"
    changed = [name for name, content in pages.items() if (GOLDEN / name).read_bytes() != content]
    if changed:
        name = changed[0]
        diff = difflib.unified_diff(
            (GOLDEN / name).read_text(encoding="utf-8").splitlines(),
            pages[name].decode().splitlines(),
            f"golden/{name}",
            "rendered",
            lineterm="",
            n=2,
        )
        pytest.fail(
            f"{len(changed)} page(s) differ from tests/reader/golden/: {changed}\n"
            + "\n".join(list(diff)[:80])
            + "\nIf the change is intended: UPDATE_GOLDEN=1 .venv/bin/python -m pytest -n 0 "
            + "tests/reader/test_golden_pages.py"
        )
