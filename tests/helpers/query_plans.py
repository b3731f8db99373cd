"""Reading PostgreSQL's plans for the queries a page makes: does any of them read the whole stories table?

The planner rightly prefers a sequential scan on a small test table, so the plans are taken with
sequential scans switched off: a query that still gets one has no index it could use, and would
read every story at a million stories too.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def partial_indexes() -> set[str]:
    """The stories table's partial indexes: scanned whole, they still hold only the rows of their condition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'articles_article'::regclass AND indpred IS NOT NULL"
        )
        return {row[0].strip('"') for row in cursor.fetchall()}


def unconditioned(lines: list[str], number: int, partial: set[str]) -> bool:
    """Whether the index scan on line ``number`` reads its whole index: no condition, and not a partial index."""
    if any(f" using {name} " in lines[number] + " " or f" on {name} " in lines[number] + " " for name in partial):
        return False
    return not any("Index Cond" in detail for detail in node_details(lines, number))


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip())


def node_details(lines: list[str], number: int) -> list[str]:
    """The detail lines (conditions, filters) of the plan node on line ``number``."""
    details = []
    for detail in lines[number + 1 :]:
        if indentation(detail) <= indentation(lines[number]) or "->" in detail:
            break
        details.append(detail)
    return details


def ancestors(lines: list[str], number: int) -> list[str]:
    """The plan nodes above the one on line ``number``, nearest first."""
    found, level = [], indentation(lines[number])
    for line in reversed(lines[:number]):
        if indentation(line) < level and ("->" in line or indentation(line) == 0):
            found.append(line.strip())
            level = indentation(line)
    return found


def stops_at_its_limit(lines: list[str], number: int) -> bool:
    """Whether the scan on line ``number`` feeds a ``Limit`` directly (through joins), nothing sorting or
    gathering every row on the way: it is then walked in the list's order and left when the page is full."""
    for node in ancestors(lines, number):
        if "Limit" in node:
            return True
        if any(word in node for word in ("Sort", "Aggregate", "Hash", "Materialize", "Unique", "SetOp")):
            return False
    return False


def reads_every_story(plan_text: str, *, walks_stop_early: bool = False) -> bool:
    """Whether a plan scans the stories table whole: sequentially, or along an index with no condition.

    With ``walks_stop_early``, an index walked without a condition in the list's own order and left
    at the page's ``Limit`` does not count: it reads the entries up to the page (a filter on the way
    skips the rows it rejects, few for the admin's filters, whose values most stories share).
    """
    lines = plan_text.splitlines()
    partial = partial_indexes()
    for number, line in enumerate(lines):
        if " on articles_article " not in line + " ":
            continue
        if "Seq Scan" in line:
            return True
        if "Bitmap Heap Scan" in line:
            # Its bitmap comes from the index scans below it: one without a condition marks every row.
            below = [n for n in range(number + 1, len(lines)) if indentation(lines[n]) > indentation(line)]
            below = below[: next((i for i, n in enumerate(below) if n != below[0] + i), len(below))]
            if any("Bitmap Index Scan" in lines[n] and unconditioned(lines, n, partial) for n in below):
                return True
            continue
        if "Index Scan" in line or "Index Only Scan" in line:
            if not unconditioned(lines, number, partial):
                continue
            if walks_stop_early and stops_at_its_limit(lines, number):
                continue
            return True
    return False


def whole_table_reads(client, urls: list[str], *, walks_stop_early: bool = False) -> list[tuple[str, str]]:
    """(url, query) for each query of those pages that would read the whole stories table."""
    scanned = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for query in captured.captured_queries:
            sql = query["sql"]
            if not ("articles_article" in sql and sql.lstrip().upper().startswith("SELECT")):
                continue
            if reads_every_story(plan(sql), walks_stop_early=walks_stop_early):
                scanned.append((url, sql[:300]))
    return scanned
