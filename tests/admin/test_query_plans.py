"""The back office's story lists find their rows through indexes, at any size and any depth.

What journalists and editors open all day: the story list, its search, its filters, its deep pages
and the review queue. Each query they make is EXPLAINed with sequential scans switched off (see
``tests/helpers/query_plans.py``); a list walked along an index in its own order, with no filter,
under a LIMIT, reads only the page it needs and passes. Lists are counted by the planner's estimate
(as they are at scale), so no query counts every story.
"""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory
from tests.helpers.query_plans import whole_table_reads

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")

STORIES = "/admin/articles/article/"
QUEUE = "/admin/articles/storyinreview/"


@pytest.fixture
def archive(world, committed):
    sport = SectionFactory(name="Sport", slug="sport")
    now = timezone.now()
    states = [Article.Status.PUBLISHED] * 8 + [Article.Status.DRAFT, Article.Status.IN_REVIEW]
    Article.objects.bulk_create(
        [
            Article(
                title=f"Council story {number}",
                slug=f"council-story-{number}",
                body="Council budget talks.",
                section=sport if number % 3 else world,
                status=states[number % len(states)],
                published_at=now - timedelta(hours=number) if number % 10 < 8 else None,
                submitted_at=now - timedelta(hours=number) if number % 10 == 9 else None,
                front_page_slot=1 if number % 50 == 0 else None,
            )
            for number in range(1200)
        ]
    )
    with committed():
        ArticleFactory(title="NATO summit opens", section=world)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Article._meta.db_table}")
    return {"sport": sport}


@pytest.fixture
def estimated_counts(monkeypatch):
    """Count every list by the planner's estimate, as lists of more than 10,000 stories are."""
    monkeypatch.setattr("articles.pagination.ESTIMATE_ABOVE", 0)


def admin_urls(archive) -> list[str]:
    sport = archive["sport"].pk
    return [
        STORIES,
        f"{STORIES}?q=NATO",
        f"{STORIES}?q=council+budget&p=2",
        f"{STORIES}?p=2",
        f"{STORIES}?status__exact=published",
        f"{STORIES}?status__exact=published&p=2",
        f"{STORIES}?section__id__exact={sport}",
        f"{STORIES}?section__id__exact={sport}&p=2",
        f"{STORIES}?front_page_slot__exact=1",
        f"{STORIES}?published_at__gte={quote((timezone.now() - timedelta(days=7)).isoformat())}",
        f"{STORIES}?o=4",  # by publication time, oldest first
        QUEUE,
        f"{QUEUE}?q=council",
        f"{QUEUE}?section__id__exact={sport}",
    ]


def test_the_story_lists_find_their_rows_through_indexes(client, editor, archive, estimated_counts):
    client.force_login(editor)
    for url in admin_urls(archive):
        assert client.get(url).status_code == 200, url
    scanned = whole_table_reads(client, admin_urls(archive), walks_stop_early=True)
    assert not scanned, "Reads of the whole stories table:\n" + "\n".join(map(str, scanned))


def test_the_check_catches_the_story_list_without_its_index(client, editor, archive, estimated_counts):
    """Without ``article_newest`` the list's default order is sorted from the whole table, and caught."""
    client.force_login(editor)
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute('DROP INDEX "article_newest"')
    assert whole_table_reads(client, [STORIES], walks_stop_early=True)


def test_deep_pages_load_only_their_own_rows(client, editor, archive, estimated_counts, django_assert_num_queries):
    """Page 2 finds its ids from the index, then loads those rows: the same queries as page 1."""
    client.force_login(editor)
    client.get(STORIES)
    with django_assert_num_queries(len_of_queries(client, STORIES)):
        response = client.get(f"{STORIES}?p=2")
    rows = response.context["cl"].result_list
    assert len(rows) == 100
    assert "body" in rows[0].get_deferred_fields()


def len_of_queries(client, url: str) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)
