"""No stampede after a publish: one request renders a page, the others get its previous copy (issue 10, item 8).

In-process, the request that would be rendering at the same moment is stood in
for by its lock. ``bench/stampede.py`` shows the same under gunicorn with 32
readers and an editor publishing every 2 seconds; the last test runs it briefly.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from articles import workflow
from pagecache.generation import current_generation
from pagecache.middleware import PageCacheMiddleware
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]


def someone_is_rendering(path: str) -> None:
    """Another request of the current generation holds ``path``'s render lock."""
    address = PageCacheMiddleware._address(RequestFactory().get(path))
    cache.set(f"page-cache:rendering:{current_generation().key}:{address}", 1, 30)


def test_while_one_request_renders_the_others_get_the_previous_copy(client, world, story):
    assert "Rutte visits Kyiv" in client.get("/").content.decode()
    ArticleFactory(title="Just published", section=world)
    someone_is_rendering("/")
    stale = client.get("/")
    assert stale["X-Cache"] == "STALE" and "Just published" not in stale.content.decode()
    assert "s-maxage=0" in stale["Cache-Control"]  # no CDN keeps the old copy


def test_the_first_request_after_a_change_renders_and_the_next_is_a_hit(client, world, story):
    client.get("/")
    ArticleFactory(title="Just published", section=world)
    first = client.get("/")
    assert first["X-Cache"] == "MISS" and "Just published" in first.content.decode()
    assert client.get("/")["X-Cache"] == "HIT"


def test_after_a_takedown_no_previous_copy_is_ever_served(client, world, story, editor):
    ArticleFactory(section=world)
    for url in ("/", story.get_absolute_url()):
        assert client.get(url).status_code == 200
    workflow.unpublish(story, editor, reason="Legal")
    someone_is_rendering("/")
    someone_is_rendering(story.get_absolute_url())
    assert client.get(story.get_absolute_url()).status_code == 404
    front = client.get("/")
    assert front["X-Cache"] == "MISS" and "Rutte visits Kyiv" not in front.content.decode()
    # Nor after a later, ordinary change: the copies from before the takedown stay unusable.
    ArticleFactory(title="Later news", section=world)
    someone_is_rendering("/")
    assert "Rutte visits Kyiv" not in client.get("/").content.decode()


def test_a_page_that_is_gone_stops_the_previous_copy_being_served(client, world, story, editor):
    url = story.get_absolute_url()
    assert client.get(url).status_code == 200
    story.slug = "moved-elsewhere"
    story.save()  # an edit, not a takedown: the old address is now a 404
    assert client.get(url).status_code == 404  # rendered (no lock held): the 404 is noted as its latest copy
    someone_is_rendering(url)
    assert client.get(url).status_code == 404


def test_stale_copies_can_be_turned_off(client, world, story, settings):
    settings.PAGE_CACHE_REVALIDATE_SECONDS = 0
    client.get("/")
    ArticleFactory(title="Just published", section=world)
    someone_is_rendering("/")
    assert client.get("/")["X-Cache"] == "MISS"


@pytest.mark.slow
def test_the_stampede_benchmark_runs_as_the_readme_shows():
    """bench/stampede.py, briefly, with the page cache in each process: one render per publish and process."""
    command = ".venv/bin/python bench/stampede.py --seconds 4 --caches locmem --revalidate 5"
    result = subprocess.run(command.split(), cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.split("Summary", 1)[1]
    found = re.search(
        r"publishes +(\d+) +renders/publish +([\d.]+) \(([\d.]+) per process\).*p99 +([\d.]+) ms", summary
    )
    assert found, result.stdout
    publishes, per_process = int(found.group(1)), float(found.group(3))
    assert publishes >= 1 and 0 < per_process <= 3  # a few seconds: a warm-up render may fall inside the storm
