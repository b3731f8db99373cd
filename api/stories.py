"""Stories as the API loads them: the stories, then what each carries as plain rows, one query per kind.

Only ``Article.objects.published()`` decides what is listed (and which story is shown). What the stories
carry is then read by their ids into named tuples rather than prefetched as model instances: building
a byline, its author and a tag object per row was most of the ORM's work on a list page
(``bench/instructions.py``).
"""

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.db import connections, router
from taggit.models import Tag

from articles.models import Article, Byline, Correction, Source, TaggedArticle
from authors.models import Author

# A list item names no body, sources or corrections (the story's own address does): only these columns,
# each of them read by the summary (a column left out would cost a query per story: the tests count them).
SUMMARY_FIELDS = (
    "title", "slug", "kicker", "standfirst", "section__slug", "section__name", "published_at", "revised_at",
    "lead_picture__file", "lead_picture__width", "lead_picture__height", "lead_picture__alt_text",
    "lead_picture__caption", "lead_picture__credit", "lead_picture__licence_expires", "lead_picture__focal_x",
    "lead_picture__focal_y",
)  # fmt: skip


class BylineRow(NamedTuple):
    author_id: int
    name: str
    slug: str


class TagRow(NamedTuple):
    id: int
    name: str
    slug: str


class SourceRow(NamedTuple):
    id: int
    name: str
    url: str
    kind: str


class CorrectionRow(NamedTuple):
    id: int
    kind: str
    note: str
    created_at: datetime


def published_stories():
    """Published stories with their section and lead picture, in one query (the whole row: for one story)."""
    return Article.objects.published().select_related("section", "lead_picture")


def published_summaries():
    """Published stories with just what a list item shows: no bodies, which are most of a story's bytes."""
    return published_stories().only(*SUMMARY_FIELDS)


def _grouped(rows: Iterable[tuple], make) -> dict[int, list]:
    """``{story id: [make(rest of row), …]}`` from rows whose first value is the story's id, in their order."""
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(make(row[1:]))
    return grouped


@cache
def _related_sql(using: str) -> dict[str, str]:
    """The bylines', tags' and sources' queries, written from the models' own table and column names.

    Plain SQL, as ``pagecache.generation`` reads its row: building and compiling these queries with the
    ORM cost more than everything else a list page does with their rows (``bench/instructions.py``).
    Only ids, names, slugs and addresses come back, which both databases' drivers give as they are.
    """
    q = connections[using].ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    def column(model, name: str) -> str:
        return q(model._meta.get_field(name).column)

    through = Article.sources.through
    return {
        "bylines": (
            f"SELECT b.{column(Byline, 'article')}, b.{column(Byline, 'author')}, a.{column(Author, 'name')}, "
            f"a.{column(Author, 'slug')} FROM {table(Byline)} b INNER JOIN {table(Author)} a "
            f"ON a.{column(Author, 'id')} = b.{column(Byline, 'author')} "
            f"WHERE b.{column(Byline, 'article')} IN ({{ids}}) "
            f"ORDER BY b.{column(Byline, 'position')}, b.{column(Byline, 'id')}"
        ),
        "tags": (
            f"SELECT i.{column(TaggedArticle, 'content_object')}, t.{column(Tag, 'id')}, t.{column(Tag, 'name')}, "
            f"t.{column(Tag, 'slug')} FROM {table(TaggedArticle)} i INNER JOIN {table(Tag)} t "
            f"ON t.{column(Tag, 'id')} = i.{column(TaggedArticle, 'tag')} "
            f"WHERE i.{column(TaggedArticle, 'content_object')} IN ({{ids}}) "
            f"ORDER BY i.{column(TaggedArticle, 'id')}"
        ),
        "sources": (
            f"SELECT j.{column(through, 'article')}, s.{column(Source, 'id')}, s.{column(Source, 'name')}, "
            f"s.{column(Source, 'url')}, s.{column(Source, 'kind')} FROM {table(through)} j INNER JOIN "
            f"{table(Source)} s ON s.{column(Source, 'id')} = j.{column(through, 'source')} "
            f"WHERE j.{column(through, 'article')} IN ({{ids}}) "
            f"ORDER BY s.{column(Source, 'name')}, s.{column(Source, 'id')}"
        ),
    }


def _related(kind: str, ids: list[int]) -> list[tuple]:
    using = router.db_for_read(Article)
    with connections[using].cursor() as cursor:
        cursor.execute(_related_sql(using)[kind].format(ids=", ".join(["%s"] * len(ids))), ids)
        return cursor.fetchall()


def with_rows(stories: list[Article], *, full: bool) -> list[Article]:
    """Give each story ``api_bylines`` and ``api_tags`` (and with ``full`` ``api_sources`` and
    ``api_corrections``), in one query each whatever the number of stories; none for no stories.

    Corrections are asked for only of stories ever revised (the readers' rule, ``Article.corrections_shown``:
    adding a correction stamps ``revised_at``), so most pages never ask.
    """
    if not stories:
        return stories
    ids = [story.pk for story in stories]
    bylines = _grouped(_related("bylines", ids), BylineRow._make)
    tags = _grouped(_related("tags", ids), TagRow._make)
    sources, corrections = {}, {}
    if full:
        sources = _grouped(_related("sources", ids), SourceRow._make)
        revised = [story.pk for story in stories if story.revised_at]
        if revised:
            corrections = _grouped(
                Correction.objects.filter(article_id__in=revised)
                .order_by("-created_at", "-pk")
                .values_list("article_id", "pk", "kind", "note", "created_at"),
                CorrectionRow._make,
            )
    for story in stories:
        story.api_bylines = bylines.get(story.pk, [])
        story.api_tags = tags.get(story.pk, [])
        if full:
            story.api_sources = sources.get(story.pk, [])
            story.api_corrections = corrections.get(story.pk, [])
    return stories
