"""Date archives: a year's and a month's published stories, and 404 for dates that are not there."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def dated_stories(world):
    return {
        "2024-12": ArticleFactory(title="December story", section=world, published_at=at(2024, 12, 31, 23, 30)),
        "2025-01": ArticleFactory(title="January story", section=world, published_at=at(2025, 1, 1, 0, 30)),
        "2025-03": ArticleFactory(title="March story", section=world, published_at=at(2025, 3, 15)),
    }


def test_year_archive_lists_that_years_stories_newest_first_with_its_months(client, dated_stories):
    response = client.get("/archive/2025/")
    assert response.status_code == 200
    assert list(response.context["stories"]) == [dated_stories["2025-03"], dated_stories["2025-01"]]
    html = response.content.decode()
    assert "<h1>2025</h1>" in html
    assert '<a href="/archive/2025/01/">January</a>' in html and '<a href="/archive/2025/03/">March</a>' in html
    assert "/archive/2025/02/" not in html


def test_month_archive_lists_that_months_stories(client, dated_stories):
    response = client.get("/archive/2024/12/")
    assert list(response.context["stories"]) == [dated_stories["2024-12"]]
    assert "<h1>December 2024</h1>" in response.content.decode()
    assert list(client.get("/archive/2025/01/").context["stories"]) == [dated_stories["2025-01"]]


def test_archives_use_the_newsrooms_time_zone(client, world, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 20:00 UTC on 31 December is already New Year's Day in Tokyo.
    story = ArticleFactory(section=world, published_at=datetime(2024, 12, 31, 20, tzinfo=UTC))
    assert list(client.get("/archive/2025/01/").context["stories"]) == [story]
    assert client.get("/archive/2024/").status_code == 404


def test_archive_index_lists_years_and_months_with_stories(client, dated_stories):
    html = client.get("/archive/").content.decode()
    assert '<a href="/archive/2025/">2025</a>' in html and '<a href="/archive/2024/">2024</a>' in html
    assert '<a href="/archive/2024/12/">December</a>' in html
    assert html.index("2025") < html.index("2024")
    assert '<a href="/archive/">Archive</a>' in client.get("/").content.decode()


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_stories_are_in_no_archive(client, world, state):
    ArticleFactory(title="Public story", section=world)
    ArticleFactory(title="Secret marker story", section=world, **{state: True})
    now = timezone.localtime()
    for url in ("/archive/", f"/archive/{now:%Y}/", f"/archive/{now:%Y/%m}/"):
        html = client.get(url).content.decode()
        assert "Secret marker story" not in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2023/",  # no stories that year
        "/archive/2025/02/",  # nor that month
        "/archive/2025/13/",
        "/archive/2025/00/",
        "/archive/2025/1/",
        "/archive/0000/",
        "/archive/0999/",
        "/archive/99999/",
        "/archive/9999/",
        "/archive/9999/12/",
        "/archive/abcd/",
        "/archive/2025/xx/",
        "/archive/2025/03/01/",
        "/archive/-2025/",
    ],
)
def test_bad_or_empty_dates_are_404_never_500(client, dated_stories, url):
    assert client.get(url).status_code == 404


def test_archive_pages_are_paginated(client, world, settings):
    ArticleFactory.create_batch(settings.STORIES_PER_PAGE + 2, section=world, published_at=at(2025, 6, 1))
    first = client.get("/archive/2025/06/")
    assert len(first.context["stories"]) == settings.STORIES_PER_PAGE
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert len(client.get("/archive/2025/06/?page=2").context["stories"]) == 2
    assert client.get("/archive/2025/06/?page=3").status_code == 404


# A year or month: count (which also answers "any stories?"), the page's ids, stories + bylines,
# navigation (+ the year's months). Each also reads the content generation once (pagecache.generation).
# And the footer's publication pages, read once per content generation like the navigation: the second "+ 1".
ARCHIVE_QUERIES = {"/archive/": 2 + 1 + 1, "/archive/2025/": 6 + 1 + 1, "/archive/2025/06/": 5 + 1 + 1}


@pytest.mark.parametrize("url", ARCHIVE_QUERIES)
def test_archive_queries_do_not_grow_with_stories(client, world, url, django_assert_num_queries):
    def add(count):
        ArticleFactory.create_batch(
            count, section=SectionFactory(), authors=[AuthorFactory(), AuthorFactory()], published_at=at(2025, 6, 1)
        )

    add(3)
    with django_assert_num_queries(ARCHIVE_QUERIES[url]):
        client.get(url)
    add(27)
    with django_assert_num_queries(ARCHIVE_QUERIES[url]):
        client.get(url)
