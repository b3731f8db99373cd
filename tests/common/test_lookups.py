"""``__any_of``: a long list of ids as one parameter (``common.lookups``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_exactly_the_listed_rows(world):
    stories = ArticleFactory.create_batch(4, section=world)
    wanted = [stories[0].pk, stories[2].pk, 10**9]  # an id of no row is no match
    assert set(Article.objects.filter(pk__any_of=wanted)) == {stories[0], stories[2]}
    assert list(Article.objects.filter(pk__any_of=[])) == []
    assert set(Article.objects.exclude(pk__any_of=wanted)) == {stories[1], stories[3]}


def test_hundreds_of_ids_are_one_parameter(world):
    story = ArticleFactory(section=world)
    ids = [story.pk, *range(10**6, 10**6 + 500)]
    with CaptureQueriesContext(connection) as queries:
        assert list(Article.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == [story.pk]
    assert len(queries) == 1
    sql, params = Article.objects.filter(pk__any_of=ids).query.sql_with_params()
    assert len(params) == 1 and sql.count("%s") == 1
