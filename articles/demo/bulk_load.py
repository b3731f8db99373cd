"""Writing a generated archive into PostgreSQL fast: COPY, with each story's search vector built on the way.

``generate_newsroom`` makes up to a million stories. Inserting them with ``bulk_create`` and then
computing their search vectors in the database (``update_search_index``) costs about 3 ms of
PostgreSQL time per story, most of it ``to_tsvector`` over a 4 kB body and the GIN index taking
entries one by one. Generated bodies are assembled from a pool of a few thousand blocks, so here
each distinct text (block, headline, standfirst, tag or author name) is turned into a vector once,
by PostgreSQL, and a story's vector is those vectors joined as ``||`` joins them (each part's
positions after the previous part's), weighted as ``articles.search`` weights them. The rows go in
with ``COPY``, and the full-text indexes are built once at the end rather than entry by entry.

The lexemes and weights are exactly what ``update_search_index`` would store; positions can differ
by a word or two at block boundaries (the database counts a trailing stop word, the join does not),
which only matters to phrase searches spanning two paragraphs of generated text.
"""

import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection

from ..models import Article, Byline, TaggedArticle
from ..search import HEADLINE_INDEX, headline_vector

# The GIN indexes built after the load rather than row by row.
SEARCH_INDEX = "article_search_vector"
_LEXEME = re.compile(r"'((?:[^']|'')*)':([\d,]+)")

Vector = tuple[tuple[str, tuple[int, ...]], ...]


class VectorCache:
    """Each distinct text's search vector, asked of PostgreSQL once, in batches."""

    def __init__(self) -> None:
        self.vectors: dict[str, Vector] = {}

    def load(self, texts: Iterable[str]) -> None:
        missing = sorted({text for text in texts if text not in self.vectors})
        if not missing:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT text, to_tsvector(%s::regconfig, text)::text FROM unnest(%s::text[]) AS text",
                [settings.SEARCH_CONFIG, missing],
            )
            for text, vector in cursor.fetchall():
                self.vectors[text] = tuple(
                    (lexeme, tuple(int(p) for p in positions.split(",")))
                    for lexeme, positions in _LEXEME.findall(vector)
                )

    def document(self, parts: Sequence[tuple[Sequence[str], str]]) -> str:
        """The tsvector (as text) of ``parts``: (texts, weight) in order, as ``||`` would join their vectors."""
        merged: dict[str, list[str]] = {}
        offset = 0
        for texts, weight in parts:
            for text in texts:
                vector = self.vectors[text]
                last = 0
                for lexeme, positions in vector:
                    entry = merged.setdefault(lexeme, [])
                    for position in positions:
                        shifted = min(position + offset, 16383)
                        entry.append(f"{shifted}{weight}")
                        last = max(last, position)
                offset += last
        return " ".join(f"'{lexeme}':{','.join(positions[:256])}" for lexeme, positions in merged.items())


def article_columns() -> list:
    """Every stored column of a story, from the model (so the load follows its migrations)."""
    return [field for field in Article._meta.concrete_fields if not field.primary_key]


def reserve_ids(count: int) -> list[int]:
    """``count`` new story ids from the table's own sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Article._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def copy_stories(stories: list[Article]) -> None:
    """The stories (ids already set, ``search_vector`` as tsvector text) in one COPY."""
    fields = article_columns()
    columns = ["id", *(field.column for field in fields)]
    copy_rows(
        Article._meta.db_table,
        columns,
        ([story.pk, *(field.get_db_prep_save(getattr(story, field.attname), connection) for field in fields)]
         for story in stories),
    )  # fmt: skip


def copy_links(bylines: list[Byline], tagged: list[TaggedArticle], sources: list[tuple[int, int]]) -> None:
    copy_rows(Byline._meta.db_table, ["article_id", "author_id", "position"],
              ((b.article_id, b.author_id, b.position) for b in bylines))  # fmt: skip
    copy_rows(TaggedArticle._meta.db_table, ["content_object_id", "tag_id"],
              ((t.content_object_id, t.tag_id) for t in tagged))  # fmt: skip
    through = Article.sources.through
    copy_rows(through._meta.db_table, ["article_id", "source_id"], sources)


def drop_search_indexes() -> None:
    """Drop the full-text indexes for the load (inside its transaction: a failed load brings them back)."""
    with connection.cursor() as cursor:
        for name in (SEARCH_INDEX, HEADLINE_INDEX):
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


def build_search_indexes() -> None:
    """Build the full-text indexes in one pass each, as migrations 0005 and 0014 define them."""
    from django.contrib.postgres.indexes import GinIndex

    with connection.cursor() as cursor:
        # The rows' foreign keys are checked at commit (Django makes them deferrable); check them now,
        # as PostgreSQL builds no index on a table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    with connection.schema_editor(atomic=False) as editor:
        editor.add_index(Article, GinIndex(fields=["search_vector"], name=SEARCH_INDEX))
        editor.add_index(Article, GinIndex(headline_vector(), name=HEADLINE_INDEX))
