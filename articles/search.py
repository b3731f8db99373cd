"""Finding published stories by their words.

On PostgreSQL, search is full-text over each story's stored ``search_vector``:
headline (weight A), standfirst and tag names (B), body (C) and author names (D),
stemmed with the ``SEARCH_CONFIG`` text search configuration, ranked by
relevance with the newest first among equals, and shown with ``ts_headline``
snippets. So that a common word costs no more than a rare one, the newest
``MAX_RANKED`` matching stories are the ones ranked. Readers may use quotes for
a phrase, ``-word`` to leave a word out and ``or`` between alternatives
(PostgreSQL's ``websearch_to_tsquery``).

Elsewhere (SQLite, in development) every word must appear, case-insensitively,
in the headline, standfirst, body, a tag name or an author name.

Either way results start from ``Article.objects.published()``, and snippets come
out escaped, with ``<mark>`` around matches as their only markup.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from pagecache.generation import content_changed

from .models import Article, ArticleQuerySet, Byline, Section, TaggedArticle

# Longer input is cut before any other work: nobody types more, and a huge
# query must cost no more than a short one.
MAX_QUERY_LENGTH = 200
# How many of the newest matching stories PostgreSQL ranks by relevance (see _full_text_matches).
MAX_RANKED = 300
# Distinct words the SQLite fallback matches; each adds five LIKE conditions.
MAX_FALLBACK_WORDS = 12
# Fields of Article whose change alters its search vector.
INDEXED_FIELDS = frozenset({"title", "standfirst", "body"})

# ts_headline and the fallback wrap matches in these private-use characters;
# after the text is escaped, only balanced pairs of them become <mark> tags.
_MARK_START, _MARK_END = "\ue000", "\ue001"
_MARKED = re.compile(f"{_MARK_START}([^{_MARK_START}{_MARK_END}]*){_MARK_END}")
_WORD = re.compile(r"\w+")
_EXCERPT_CHARS = 260


@dataclass(frozen=True)
class Query:
    """What a reader typed, made safe to search for and to show back."""

    text: str
    words: tuple[str, ...]
    truncated: bool = False

    @classmethod
    def parse(cls, raw: str) -> "Query":
        """Clean raw input: cut to length, drop control and invisible characters, normalize.

        NUL bytes, lone surrogates, private-use and unassigned code points become
        spaces; format characters (direction marks, zero-width joiners) vanish;
        NFKC folds look-alike forms (full-width letters, ligatures) to plain ones.
        """
        truncated = len(raw) > MAX_QUERY_LENGTH
        raw = raw[:MAX_QUERY_LENGTH]
        kept = []
        for char in raw:
            category = unicodedata.category(char)
            if category == "Cf":
                continue
            kept.append(" " if category[0] in "CZ" else char)
        text = " ".join(unicodedata.normalize("NFKC", "".join(kept)).split())
        # Distinct words, kept as first typed: SQLite's LIKE folds case for ASCII only.
        words: dict[str, str] = {}
        for word in _WORD.findall(text):
            words.setdefault(word.casefold(), word)
        return cls(text=text, words=tuple(words.values()), truncated=truncated)


def uses_full_text(using: str = "default") -> bool:
    """Whether this database stores search vectors (PostgreSQL) or search reads the text."""
    return connections[using].vendor == "postgresql"


def find_stories(query: Query, *, section: Section | None = None) -> ArticleQuerySet:
    """Published stories matching ``query``, best first, ready for a list with snippets."""
    stories = Article.objects.published()
    if section is not None:
        stories = stories.in_section(section)
    if not query.words:
        return stories.none()
    matches = _full_text_matches if uses_full_text(stories.db) else _word_matches
    return matches(stories, query).order_by("-rank", "-published_at", "-pk").for_listing()


def snippet(article: Article, query: Query) -> SafeString:
    """The part of a found story's body that matched, as safe HTML with ``<mark>``s."""
    marked = getattr(article, "marked_excerpt", None)
    if marked is None:
        # The fallback: cut and mark the body here rather than in the database.
        marked = _mark(_excerpt(_plain(article.excerpt_source), query.words), query.words)
    return _render_marks(_plain(marked))


def refresh_search_vectors(stories: models.QuerySet) -> int:
    """Rebuild the stored search vector of ``stories`` from their text, tags and bylines.

    A bulk update sends no signals, so cached search pages are invalidated here, if readers can
    see one of the stories (a draft's vector changes no search results).
    """
    updated = stories.update(search_vector=_document_vector())
    if stories.published().exists():
        content_changed()
    return updated


def rebuild_search_index(
    stories: ArticleQuerySet | None = None,
    *,
    batch_size: int = 500,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Rebuild the stored vectors of ``stories`` (default: every story, drafts too), a batch at a time.

    Walks the stories by primary key, so each batch is an indexed range and memory stays
    flat however large the archive. ``progress(done, total)`` is called after each batch.
    Each batch is its own transaction, or a savepoint inside a caller's (``restore``).
    Returns how many stories were indexed.
    """
    stories = Article.objects.all() if stories is None else stories
    total = stories.count()
    done, last_pk = 0, 0
    while True:
        batch = list(stories.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return done
        with transaction.atomic():
            done += refresh_search_vectors(Article.objects.filter(pk__in=batch))
        last_pk = batch[-1]
        progress(done, total)


def _full_text_matches(stories: ArticleQuerySet, query: Query) -> ArticleQuerySet:
    config = settings.SEARCH_CONFIG
    ts_query = SearchQuery(query.text, search_type="websearch", config=config)
    # Ranking reads every match's whole vector; a common word matches thousands of stories. The
    # newest matches, found from the GIN index and each row's date alone, are the ones ranked.
    newest = stories.filter(search_vector=ts_query).order_by("-published_at", "-pk").values("pk")[:MAX_RANKED]
    return stories.filter(pk__in=Subquery(newest)).annotate(
        rank=SearchRank(F("search_vector"), ts_query),
        marked_excerpt=SearchHeadline(
            "body",
            ts_query,
            config=config,
            start_sel=_MARK_START,
            stop_sel=_MARK_END,
            min_words=15,
            max_words=35,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )


def _word_matches(stories: ArticleQuerySet, query: Query) -> ArticleQuerySet:
    words = query.words[:MAX_FALLBACK_WORDS]
    for word in words:
        stories = stories.filter(
            Q(title__icontains=word)
            | Q(standfirst__icontains=word)
            | Q(body__icontains=word)
            | Q(pk__in=TaggedArticle.objects.filter(tag__name__icontains=word).values("content_object"))
            | Q(pk__in=Byline.objects.filter(author__name__icontains=word).values("article"))
        )
    # A rough relevance: words in the headline count most, then the standfirst.
    rank = sum(
        (
            Case(
                When(title__icontains=word, then=Value(3)),
                When(standfirst__icontains=word, then=Value(2)),
                default=Value(1),
            )
            for word in words
        ),
        start=Value(0),
    )
    # The body is deferred in lists; the snippet needs it, under another name.
    return stories.annotate(rank=rank, excerpt_source=F("body"))


def _document_vector() -> CombinedSearchVector:
    config = settings.SEARCH_CONFIG
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector(_names_of(TaggedArticle.objects, "content_object", "tag__name"), weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
        + SearchVector(_names_of(Byline.objects, "article", "author__name"), weight="D", config=config)
    )


def _names_of(links: models.QuerySet, story_field: str, name_field: str) -> Subquery:
    """The names (of tags, of authors) linked to the outer story, joined by spaces."""
    return Subquery(
        links.filter(**{story_field: OuterRef("pk")})
        .order_by()
        .values(story_field)
        .annotate(names=StringAgg(name_field, " "))
        .values("names")
    )


def _plain(markdown: str) -> str:
    """Markdown source read as plain text: link targets, heading and quote markers dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)\s]*\)", r"\1", markdown)
    text = re.sub(r"(?m)^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+", "", text)
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split())


def _excerpt(text: str, words: tuple[str, ...]) -> str:
    """About ``_EXCERPT_CHARS`` characters of ``text``, cut at spaces, from just before the first match."""
    lowered = text.lower()
    first = min((hit for word in words if (hit := lowered.find(word.lower())) >= 0), default=0)
    lead_in = _EXCERPT_CHARS // 3
    start = 0 if first < lead_in else text.rfind(" ", 0, first - lead_in) + 1
    end = len(text)
    if end > start + _EXCERPT_CHARS:
        end = text.rfind(" ", start, start + _EXCERPT_CHARS)
        end = end if end > start else start + _EXCERPT_CHARS
    return f"{'… ' if start else ''}{text[start:end]}{' …' if end < len(text) else ''}"


def _mark(text: str, words: tuple[str, ...]) -> str:
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    return pattern.sub(lambda match: f"{_MARK_START}{match.group(0)}{_MARK_END}", text)


def _render_marks(marked: str) -> SafeString:
    """Escape everything, then turn each balanced pair of markers into ``<mark>``."""
    parts, position = [], 0
    for match in _MARKED.finditer(marked):
        parts.append(escape(_unmarked(marked[position : match.start()])))
        parts.append(format_html("<mark>{}</mark>", match.group(1)))
        position = match.end()
    parts.append(escape(_unmarked(marked[position:])))
    return mark_safe("".join(parts))


def _unmarked(text: str) -> str:
    return text.replace(_MARK_START, "").replace(_MARK_END, "")
