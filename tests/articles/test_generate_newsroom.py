"""The synthetic archive for benchmarks: realistic, valid stories, written in bulk."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles import search
from articles.models import Article, Byline, TaggedArticle
from articles.rendering import render_markdown

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_newsroom", stdout=out, **options)
    return out.getvalue()


def test_generates_the_requested_archive_with_progress_and_a_summary():
    output = generate(stories=300, authors=20, sections=5, tags=40, seed=7, batch_size=100)
    assert Article.objects.count() == 300
    assert "100 / 300 stories" in output and "300 / 300 stories" in output
    assert "Generated 300 stories" in output and "20 authors, 5 sections and 40 tags" in output
    statuses = set(Article.objects.values_list("status", flat=True))
    assert {"published", "draft"} <= statuses
    assert Article.objects.filter(status="published").count() > Article.objects.published().count()  # scheduled
    assert Byline.objects.count() >= 300 and TaggedArticle.objects.count() >= 300


def test_bodies_are_realistic_and_their_html_is_what_rendering_would_give():
    generate(stories=40, authors=5, sections=3, tags=10)
    for article in Article.objects.all()[:20]:
        assert len(article.body.split()) > 120
        assert article.body_html == render_markdown(article.body)
    assert Article.objects.filter(body__contains="\n## ").exists()
    assert Article.objects.filter(body__contains="\n> ").exists()


def test_the_site_serves_a_generated_archive(client):
    generate(stories=60, authors=5, sections=4, tags=10)
    story = Article.objects.published().first()
    for url in ("/", story.section.get_absolute_url(), story.get_absolute_url()):
        assert client.get(url).status_code == 200, url


def test_running_again_adds_to_the_archive():
    generate(stories=10, authors=2, sections=2, tags=3)
    generate(stories=10, authors=2, sections=2, tags=3)
    assert Article.objects.count() == 20


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(CommandError, match="--stories must be at least 1"):
        generate(stories=0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors are PostgreSQL's")
def test_generated_stories_carry_the_search_vectors_update_search_index_would_store():
    """Same lexemes with the same weights as the database computes; the full-text indexes are there."""
    generate(stories=30, authors=4, sections=3, tags=8)

    def lexemes_and_weights() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.id, u.lexeme, u.weights FROM articles_article a, unnest(a.search_vector) u ORDER BY 1, 2"
            )
            found: dict = {}
            for pk, lexeme, weights in cursor.fetchall():
                found.setdefault(pk, {})[lexeme] = sorted(set(weights))
            return found

    generated = lexemes_and_weights()
    assert len(generated) == 30
    search.refresh_search_vectors(Article.objects.all())
    assert lexemes_and_weights() == generated
    story = Article.objects.published().first()
    assert story in search.find_stories(search.Query.parse(story.title))
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles_article'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"article_search_vector", search.HEADLINE_INDEX} <= indexes
