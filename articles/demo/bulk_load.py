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

import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import Article, Byline, TaggedArticle

if TYPE_CHECKING:
    from .archive import StoryDraft

MAX_POSITION = 16383
# Every position as the tsvector's text writes it, by weight ("17C"): looked up, not formatted, per story.
_POSITIONS = {weight: [f"{position}{weight}" for position in range(MAX_POSITION + 1)] for weight in "ABCD"}
_LEXEME = re.compile(r"'((?:[^']|'')*)':([\d,]+)")


class VectorCache:
    """Each distinct text's search vector, asked of PostgreSQL once, in batches."""

    def __init__(self) -> None:
        # text → ([("'lexeme':", positions)], the largest position)
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
                    (f"'{lexeme}':", [int(p) for p in positions.split(",")])
                    for lexeme, positions in _LEXEME.findall(vector)
                ]
                self.vectors[text] = (entries, max((max(p) for _, p in entries), default=0))

    def document(self, parts: Sequence[tuple[Sequence[str], str]]) -> str:
        """The tsvector (as text) of ``parts``: (texts, weight) in order, as ``||`` would join their vectors.

        A lexeme found in several parts is written once per part: PostgreSQL's tsvector input
        merges them (and keeps at most 256 positions of each, as ``||`` does), so no merging here.
        """
        pieces: list[str] = []
        offset = 0
        for texts, weight in parts:
            for text in texts:
                entries, last = self.vectors[text]
                if offset + last > MAX_POSITION:  # PostgreSQL's limit; a generated story never gets near it
                    break
                written = _POSITIONS[weight]
                pieces += [
                    lexeme + ",".join([written[position + offset] for position in positions])
                    for lexeme, positions in entries
                ]
                offset += last
        return " ".join(pieces)


@dataclass
class StoryTexts:
    """What a story's row is made of besides its draft: names behind ids, blocks' HTML, the vectors."""

    tags: dict[int, str]
    authors: dict[int, str]
    block_html: Callable[[str], str]
    vectors: VectorCache = field(default_factory=VectorCache)


def article_columns() -> list:
    """Every stored column of a story, from the model (so the load follows its migrations)."""
    return [field for field in Article._meta.concrete_fields if not field.primary_key]


def reserve_ids(count: int) -> range:
    """``count`` consecutive new story ids from the table's own sequence.

    One ``setval`` rather than ``count`` calls of ``nextval``: called with the table locked by the
    load (``set_aside``), so no other insert can take an id in between.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [Article._meta.db_table, Article._meta.db_table, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


@dataclass
class _Batch:
    stories: list[list] = field(default_factory=list)
    bylines: list[tuple[int, int, int]] = field(default_factory=list)
    tagged: list[tuple[int, int]] = field(default_factory=list)
    sources: list[tuple[int, int]] = field(default_factory=list)


def _batches(drafts: Iterator["StoryDraft"], ids: Iterator[int], texts: StoryTexts, size: int) -> Iterator[_Batch]:
    """The rows to COPY, a batch at a time: plain lists in the table's column order, no model instances."""
    fields = article_columns()
    # Every column not set below keeps the model's default, prepared for the database once.
    template = [field.get_db_prep_save(field.get_default(), connection) for field in fields]
    column = {field.attname: position + 1 for position, field in enumerate(fields)}  # after the id
    now = timezone.now()
    template[column["created_at"] - 1] = template[column["updated_at"] - 1] = now
    template = [None, *template]
    title, slug, kicker, standfirst = column["title"], column["slug"], column["kicker"], column["standfirst"]
    body, body_html, section, status = column["body"], column["body_html"], column["section_id"], column["status"]
    published, submitted, vector = column["published_at"], column["submitted_at"], column["search_vector"]
    vectors, block_html, tag_names, author_names = texts.vectors, texts.block_html, texts.tags, texts.authors
    while chunk := list(islice(drafts, size)):
        batch = _Batch()
        for draft in chunk:
            pk = next(ids)
            row = template.copy()
            row[0] = pk
            row[title] = draft.title
            row[slug] = draft.slug
            row[kicker] = draft.kicker
            row[standfirst] = draft.standfirst
            row[body] = "\n\n".join(draft.blocks)
            row[body_html] = "\n".join([block_html(block) for block in draft.blocks])
            row[section] = draft.section_id
            row[status] = str(draft.status)
            row[published] = draft.published_at
            row[submitted] = draft.submitted_at
            tags = [tag_names[tag] for tag in draft.tag_ids]
            authors = [author_names[author] for author in draft.author_ids]
            # Weighted as articles.search weights them: headline A, standfirst and tags B, body C, bylines D.
            row[vector] = vectors.document(
                [(draft.title_words, "A"), ([draft.standfirst], "B"), (tags, "B"), (draft.blocks, "C"), (authors, "D")]
            )
            batch.stories.append(row)
            batch.bylines += [(pk, author, position) for position, author in enumerate(draft.author_ids)]
            batch.tagged += [(pk, tag) for tag in draft.tag_ids]
            if draft.source_id:
                batch.sources.append((pk, draft.source_id))
        yield batch


def _in_background(batches: Iterator[_Batch], depth: int = 3) -> Iterator[_Batch]:
    """``batches`` built in a thread while the caller writes the previous ones.

    Building rows is Python (one core); taking them in is PostgreSQL's work (the other core):
    while the writer waits on the database it holds no GIL, so the two overlap.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    done, stop = object(), threading.Event()

    def build() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        handoff.put(batch, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(done)
        except BaseException as error:  # handed to the writer, which raises it
            handoff.put(error)

    builder = threading.Thread(target=build, name="generate_newsroom rows", daemon=True)
    builder.start()
    try:
        while (item := handoff.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        builder.join()


def load_stories(
    drafts: Iterator["StoryDraft"],
    count: int,
    texts: StoryTexts,
    *,
    batch_size: int,
    batch_done: Callable[[int], None],
    progress: Callable[[str], None],
) -> dict[str, float]:
    """COPY ``count`` drafts with their links, in one transaction; return seconds per phase.

    One transaction: a load that fails leaves nothing behind, and the indexes and foreign keys
    set aside where they were.
    """
    phases: dict[str, float] = {}
    with transaction.atomic():
        started = time.monotonic()
        with connection.cursor() as cursor:
            # Bodies, their HTML and vectors are stored compressed: LZ4 compresses several times
            # faster than PostgreSQL's default (pglz), and reads faster too. Only this load's rows.
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        rebuild = set_aside(LOADED_TABLES)
        ids = iter(reserve_ids(count))
        fields = article_columns()
        columns = ["id", *(field.column for field in fields)]
        waiting = 0.0
        for batch in _in_background(_batches(drafts, ids, texts, batch_size)):
            writing = time.monotonic()
            copy_rows(Article._meta.db_table, columns, batch.stories)
            copy_rows(Byline._meta.db_table, ["article_id", "author_id", "position"], batch.bylines)
            copy_rows(TaggedArticle._meta.db_table, ["content_object_id", "tag_id"], batch.tagged)
            copy_rows(Article.sources.through._meta.db_table, ["article_id", "source_id"], batch.sources)
            waiting += time.monotonic() - writing
            batch_done(len(batch.stories))
        phases["rows and COPY"] = time.monotonic() - started
        phases["of which waiting for COPY"] = waiting
        progress(f"Building {len(rebuild)} indexes and foreign keys set aside, full-text search's among them…")
        started = time.monotonic()
        restore(rebuild, progress)
        phases["indexes and foreign keys"] = time.monotonic() - started
    return phases


LOADED_TABLES = [Article, Byline, TaggedArticle, Article.sources.through]


def set_aside(models: list) -> list[str]:
    """Drop the tables' foreign keys and their indexes but the unique ones; return the SQL to bring them back.

    Inside the load's transaction: a failed load brings them back. A B-tree or GIN index built once
    from a million sorted entries costs a fraction of taking them one by one, and a foreign key
    checked by one join at the end a fraction of a check per row (PostgreSQL's bulk-loading advice).
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Rows written earlier in the transaction (sections, authors) have their foreign keys checked
        # at commit; PostgreSQL alters no table with such checks pending, so check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        for table, name, definition in foreign_keys
    ]


def restore(statements: list[str], progress: Callable[[str], None] = lambda message: None) -> None:
    """Build the indexes and foreign keys set aside, each in one pass."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Sorting a million entries in memory rather than in temporary files; B-tree builds use
        # PostgreSQL's parallel workers on their own (max_parallel_maintenance_workers).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for number, statement in enumerate(statements, 1):
            started = time.monotonic()
            cursor.execute(statement)
            progress(f"  {number:>2}/{len(statements)} {time.monotonic() - started:5.1f}s  {statement[:90]}")
