"""Stories as the API loads them: the stories, then what each carries as plain rows, one query per kind.

Only ``Article.objects.published()`` decides what is listed. The related rows are read with
``values_list`` into named tuples rather than prefetched as model instances: building a byline, its
author and a tag object per row was most of the ORM's work on a list page (``bench/instructions.py``).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from articles.models import Article, Byline, Correction, TaggedArticle

# A list item names no body, sources or corrections (the story's own address does): only these columns.
SUMMARY_FIELDS = (
    *Article.CARD_FIELDS,
    "lead_picture__focal_x",
    "lead_picture__focal_y",
)


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
    for story_id, *rest in rows:
        grouped.setdefault(story_id, []).append(make(rest))
    return grouped


def with_rows(stories: list[Article], *, full: bool) -> list[Article]:
    """Give each story ``api_bylines`` and ``api_tags`` (and with ``full`` ``api_sources`` and
    ``api_corrections``), in one query each whatever the number of stories; none for no stories.

    Corrections are asked for only of stories ever revised (the readers' rule, ``Article.corrections_shown``:
    adding a correction stamps ``revised_at``), so most pages never ask.
    """
    if not stories:
        return stories
    ids = [story.pk for story in stories]
    bylines = _grouped(
        Byline.objects.filter(article_id__in=ids)
        .order_by("article_id", "position", "pk")
        .values_list("article_id", "author_id", "author__name", "author__slug"),
        BylineRow._make,
    )
    tags = _grouped(
        TaggedArticle.objects.filter(content_object_id__in=ids)
        .order_by("content_object_id", "pk")
        .values_list("content_object_id", "tag_id", "tag__name", "tag__slug"),
        TagRow._make,
    )
    sources, corrections = {}, {}
    if full:
        sources = _grouped(
            Article.sources.through.objects.filter(article_id__in=ids)
            .order_by("article_id", "source__name")
            .values_list("article_id", "source_id", "source__name", "source__url", "source__kind"),
            SourceRow._make,
        )
        revised = [story.pk for story in stories if story.revised_at]
        if revised:
            corrections = _grouped(
                Correction.objects.filter(article_id__in=revised)
                .order_by("article_id", "-created_at", "-pk")
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
