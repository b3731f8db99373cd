"""No reader page makes PostgreSQL read the whole stories table.

The planner rightly prefers a sequential scan on a small test table, so the plans
are taken with sequential scans switched off: a query that still gets one has no
index it could use, and would read every story at 100,000 stories too
(``bench/run.py`` reports the plans at that size).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers.crawl import urls_to_crawl

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip())


def reads_every_story(plan_text: str) -> bool:
    """Whether a plan scans the stories table whole: sequentially, or along an index with no condition."""
    lines = plan_text.splitlines()
    for number, line in enumerate(lines):
        if " on articles_article " not in line + " ":
            continue
        if "Seq Scan" in line:
            return True
        if "Index Scan" in line or "Index Only Scan" in line:
            node_details = []
            for detail in lines[number + 1 :]:
                if indentation(detail) <= indentation(line) or "->" in detail:
                    break
                node_details.append(detail)
            if not any("Index Cond" in detail for detail in node_details):
                return True
    return False


def whole_table_reads(client, urls: list[str]) -> list[tuple[str, str]]:
    """(url, query) for each query of those pages that would read the whole stories table."""
    scanned = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for query in captured.captured_queries:
            sql = query["sql"]
            if "articles_article" in sql and sql.lstrip().upper().startswith("SELECT") and reads_every_story(plan(sql)):
                scanned.append((url, sql[:200]))
    return scanned


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
