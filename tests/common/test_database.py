"""Planner housekeeping after bulk writes works inside and outside a transaction."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from common.database import refresh_planner_statistics


def statements_run(*, in_transaction: bool) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        if in_transaction:
            with transaction.atomic():
                refresh_planner_statistics(Article)
        else:
            refresh_planner_statistics(Article)
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(("BEGIN", "COMMIT"))]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_vacuums_and_analyzes():
    expected = 'VACUUM ANALYZE "articles_article"' if connection.vendor == "postgresql" else "ANALYZE"
    assert statements_run(in_transaction=False) == [expected]


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_only_analyzes_because_vacuum_cannot_run_there():
    expected = 'ANALYZE "articles_article"' if connection.vendor == "postgresql" else "ANALYZE"
    assert statements_run(in_transaction=True) == [expected]
