"""Writing a generated archive into PostgreSQL fast: COPY, with each story's search vector built on the way.

``generate_newsroom`` makes up to a million stories. Inserting them with ``bulk_create`` and then
computing their search vectors in the database (``update_search_index``) costs about 3 ms of
PostgreSQL time per story, most of it ``to_tsvector`` over a 4 kB body and the GIN index taking
entries one by one. Generated bodies are assembled from a pool of a few thousand blocks, so here
each distinct text (block, headline, standfirst, tag or author name) is turned into a vector once,
by PostgreSQL, and a story's vector is those vectors joined as ``||`` joins them (each part's
positions after the previous part's), weighted as ``articles.search`` weights them. The rows go in
with ``COPY``, and the table's indexes (the full-text ones among them) are built once at the end
rather than entry by entry.

The lexemes and weights are exactly what ``update_search_index`` would store; positions can differ
by a word or two at block boundaries (the database counts a trailing stop word, the join does not),
which only matters to phrase searches spanning two paragraphs of generated text.
"""

import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection

from ..models import Article, Byline, TaggedArticle

MAX_POSITION = 16383
_LEXEME = re.compile(r"'((?:[^']|'')*)':([\d,]+)")


class VectorCache:
    """Each distinct text's search vector, asked of PostgreSQL once, in batches."""

    def __init__(self) -> None:
        # text → ([(lexeme, positions)], the largest position)
        self.vectors: dict[str, tuple[list[tuple[str, list[int]]], int]] = {}

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
                entries = [
                    (lexeme, [int(p) for p in positions.split(",")]) for lexeme, positions in _LEXEME.findall(vector)
                ]
                self.vectors[text] = (entries, max((max(p) for _, p in entries), default=0))

    def document(self, parts: Sequence[tuple[Sequence[str], str]]) -> str:
        """The tsvector (as text) of ``parts``: (texts, weight) in order, as ``||`` would join their vectors."""
        merged: dict[str, list[str]] = {}
        offset = 0
        for texts, weight in parts:
            for text in texts:
                entries, last = self.vectors[text]
                if offset + last > MAX_POSITION:  # PostgreSQL's limit; a generated story never gets near it
                    break
                for lexeme, positions in entries:
                    shifted = [f"{position + offset}{weight}" for position in positions]
                    if lexeme in merged:
                        merged[lexeme] += shifted
                    else:
                        merged[lexeme] = shifted
                offset += last
        return " ".join([f"'{lexeme}':{','.join(positions[:256])}" for lexeme, positions in merged.items()])


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


def set_indexes_aside() -> list[str]:
    """Drop the story table's indexes but its unique ones, returning their definitions to build them again.

    Inside the load's transaction: a failed load brings them back. A B-tree or GIN index built once
    from a million sorted entries costs a fraction of taking them one by one.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
            [Article._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes]


def build_indexes(definitions: list[str]) -> None:
    """Build the indexes set aside, each in one pass."""
    with connection.cursor() as cursor:
        # The rows' foreign keys are checked at commit (Django makes them deferrable); check them now,
        # as PostgreSQL builds no index on a table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
