"""No reader page makes PostgreSQL read the whole stories table.

The planner rightly prefers a sequential scan on a small test table, so the plans
are taken with sequential scans switched off: a query that still gets one has no
index it could use, and would read every story at 100,000 stories too
(``bench/run.py`` reports the plans at that size).
"""

import pytest
from django.db import connection

from tests.helpers.crawl import urls_to_crawl
from tests.helpers.query_plans import whole_table_reads

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")


def test_every_reader_page_finds_its_stories_through_an_index(client, newsroom):
    urls = [url for urls in urls_to_crawl(newsroom).values() for url in urls]
    scanned = whole_table_reads(client, urls)
    assert not scanned, "Reads of the whole stories table:\n" + "\n".join(map(str, scanned))


def test_the_check_catches_lists_without_their_indexes(client, newsroom):
    """Without the stories table's indexes, the front page and the feed are caught reading it whole."""
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'articles_article'::regclass AND NOT indisunique"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
    assert whole_table_reads(client, ["/", "/feeds/rss/"])
