"""Finding published stories by their words, across the whole archive.

On PostgreSQL, search is full-text over each story's stored ``search_vector``:
headline (weight A), standfirst and tag names (B), body (C) and author names (D),
stemmed with the ``SEARCH_CONFIG`` text search configuration, and shown with
``ts_headline`` snippets. Readers may use quotes for a phrase, ``-word`` to leave
a word out and ``or`` between alternatives (PostgreSQL's ``websearch_to_tsquery``).

Relevance is two tiers, each newest first: stories whose headline matches, then
every other match. Pages reach the first ``MAX_DEPTH`` results, and every other
match is reachable by date: the last page links to the matches older than it
(``to=``), and so on. Totals are exact below ``ESTIMATE_ABOVE``, the planner's
estimate above.
Why tiers rather than ``ts_rank`` over every match: ranking reads each match's
whole vector, and a common word matches a fifth of the archive (200,000 stories
at a million), which no request can afford; a tier is one walk down the date
index (or a bitmap of the headline index for a rare word), so a page costs about
the same for any word and any depth (the far half of a tier is read from its
oldest end). ``docs/performance.md`` has the measurements behind the choice.

Elsewhere (SQLite, in development) every word must appear, case-insensitively,
in the headline, standfirst, body, a tag name or an author name; the tiers are
the same.

Either way results start from ``Article.objects.published()``, and snippets come
out escaped, with ``<mark>`` around matches as their only markup.
"""

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchHeadline,
    SearchQuery,
    SearchVector,
)
from django.db import connection, connections, models, transaction
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from authors.models import Author
from common.django_internals import rows_by_ids
from pagecache.generation import content_changed
from pagecache.store import remember

from .models import Article, ArticleQuerySet, Byline, Section, TaggedArticle
from .models.cards import CARD_COLUMNS, Card, cards_from_rows
from .pagination import counted

# Longer input is cut before any other work: nobody types more, and a huge
# query must cost no more than a short one.
MAX_QUERY_LENGTH = 200
# The GIN index on headline_vector() (migration 0014), PostgreSQL only.
HEADLINE_INDEX = "article_headline_search"
# Results that pages reach (50 pages of 20). A page walks the date index past every match before it,
# so the depth bounds its cost; the last page links to the rest by date (``to=``), a window at a time.
MAX_DEPTH = 1_000
# Pages starting this deep read their ids from the whole reachable list, found once per content generation.
DIRECT_DEPTH = 200
# Distinct words the SQLite fallback matches; each adds five LIKE conditions.
MAX_FALLBACK_WORDS = 12
# Fields of Article whose change alters its search vector.
INDEXED_FIELDS = frozenset({"title", "standfirst", "body"})

# ts_headline and the fallback wrap matches in these private-use characters;
# after the text is escaped, only balanced pairs of them become <mark> tags.
_MARK_START, _MARK_END = "\ue000", "\ue001"
_MARKED = re.compile(f"{_MARK_START}([^{_MARK_START}{_MARK_END}]*){_MARK_END}")
_WORD = re.compile(r"\w+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
# A heading, quote or list marker at a line's start, with the space after it (or alone on its line).
_LINE_MARKER = re.compile(r"\s*(?:#{1,6}|>|[-*+]|\d+\.)(?:\s+|$)")
_EXCERPT_CHARS = 260
# How much of a body's source before and after its first match the fallback's snippet reads: more
# than the excerpt shows (``_excerpt``), with room for markup that reading as plain text drops.
_WINDOW_BEFORE, _WINDOW_AFTER = _EXCERPT_CHARS, 2 * _EXCERPT_CHARS


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


class Sort(models.TextChoices):
    RELEVANCE = "relevance", "Best match"
    DATE = "date", "Newest first"


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its words: a section (with its subsections), an author, dates (inclusive)."""

    section: Section | None = None
    author: Author | None = None
    since: date | None = None
    until: date | None = None

    def key(self) -> str:
        """The filters as text, for cache keys."""
        values = (getattr(self.section, "pk", None), getattr(self.author, "pk", None), self.since, self.until)
        return ":".join("" if value is None else str(value) for value in values)

    def apply(self, stories: ArticleQuerySet) -> ArticleQuerySet:
        if self.section is not None:
            stories = stories.in_section(self.section)
        if self.author is not None:
            stories = stories.by_author(self.author)
        if self.since is not None:
            stories = stories.filter(published_at__gte=_start_of(self.since))
        if self.until is not None:
            stories = stories.filter(published_at__lt=_start_of(self.until + timedelta(days=1)))
        return stories


def find_stories(query: Query, *, section: Section | None = None) -> ArticleQuerySet:
    """Every published story matching ``query``, headline matches first, newest first within each.

    One queryset, for callers that want one; it sorts every match, so for pages of a common
    word use ``search_results``, which reads a page at a time.
    """
    stories = Article.objects.published()
    if section is not None:
        stories = stories.in_section(section)
    if not query.words:
        return stories.none()
    matches, in_headline = _headline_condition(_matching(stories, query), query)
    ranked = matches.annotate(rank=Case(When(in_headline, then=Value(1)), default=Value(0)))
    return ranked.order_by("-rank", "-published_at", "-pk")


def search_results(query: Query, *, filters: Filters = Filters(), sort: str = Sort.RELEVANCE) -> "Matches":
    """Every published story matching ``query`` and ``filters``, as a sequence to paginate (``Paginator``).

    ``sort`` is ``Sort.RELEVANCE`` (headline matches first, newest first within each tier)
    or ``Sort.DATE`` (newest first). Slicing reads only the stories of that slice.
    """
    stories = filters.apply(Article.objects.published())
    if not query.words:
        return Matches([], query, key="")
    matches = _matching(stories, query)
    key = f"search:{hashlib.sha256(query.text.encode()).hexdigest()}:{filters.key()}"
    if sort == Sort.DATE:
        return Matches([matches], query, key=key, every=matches, order=sort)
    return Matches(
        [_headline_tier(stories, matches, query), _headline_matching(matches, query, negate=True)],
        query,
        key=key,
        every=matches,
    )


class Matches:
    """Search results as tiers of matches (no story in two), each newest first, read a slice at a time.

    What ``Paginator`` needs: ``count()`` and slicing. Each tier is counted once per content
    generation (``pagecache.store.remember``): exactly when small, from the planner's estimate when
    it has more than ``ESTIMATE_ABOVE`` matches (counting a quarter of a million matches took
    seconds). Pages reach the first ``MAX_DEPTH`` results; ``total`` is every match, and the last
    page offers the rest by date (``continues``).
    """

    def __init__(
        self,
        tiers: list[ArticleQuerySet],
        query: Query,
        *,
        key: str,
        every: ArticleQuerySet | None = None,
        order: str = Sort.RELEVANCE,
    ) -> None:
        self.tiers, self.query, self.key, self.every, self.order = tiers, query, key, every, order

    @cached_property
    def _counted(self) -> list[tuple[int, bool]]:
        """Each tier's length and whether it is exact: every match and every tier but the last are counted,
        the last is the difference. Never the last tier itself: "matches whose headline does not" has no
        index, and counting it for a word in nearly every headline rechecked every match (11 s at a million)."""
        if not self.tiers:
            return []
        every = remember(f"count:{self.key}:every", partial(counted, self.every))
        firsts = [remember(f"count:{self.key}:{n}", partial(counted, tier)) for n, tier in enumerate(self.tiers[:-1])]
        rest = max(0, every[0] - sum(count for count, _ in firsts))
        return [*firsts, (rest, every[1] and all(exact for _, exact in firsts))]

    @property
    def tier_counts(self) -> list[int]:
        return [count for count, _ in self._counted]

    @property
    def exact(self) -> bool:
        """Whether ``total`` was counted rather than estimated."""
        return all(exact for _, exact in self._counted)

    @property
    def total(self) -> int:
        """How many stories match, every one; about as many when not ``exact`` (two significant figures)."""
        total = sum(self.tier_counts)
        if self.exact or total < 100:
            return total
        unit = 10 ** (len(str(total)) - 2)
        return round(total / unit) * unit

    @property
    def continues(self) -> bool:
        """Whether more match than pages reach (the rest are found by narrowing the dates)."""
        return sum(self.tier_counts) > MAX_DEPTH

    @property
    def older_than_last_page(self) -> bool:
        """Whether the matches pages do not reach are all no newer than the last page's last story.

        So when the pages end in the last tier (every earlier tier was shown whole): then "older
        matches, by date, up to that story's day" misses none. Otherwise the rest starts at the top
        of the list by date.
        """
        return sum(self.tier_counts[:-1]) < MAX_DEPTH

    def count(self) -> int:
        return min(sum(self.tier_counts), MAX_DEPTH)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Card]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Search results are read a slice at a time.")
        start, stop = index.start or 0, self.count() if index.stop is None else min(index.stop, self.count())
        if start >= DIRECT_DEPTH:
            # A deep page: the ids of every page pages reach, found once per content generation. Each
            # deep page found alone walked the index past every match before it (0.4-0.7 s at a million).
            ids = remember(f"window:{self.key}:{self.order}", partial(self._ids, 0, self.count()))[start:stop]
        else:
            ids = self._ids(start, stop)
        return _found_cards(ids, self.query)

    def _ids(self, start: int, stop: int) -> list[int]:
        ids: list[int] = []
        for tier, (size, exact) in zip(self.tiers, self._counted, strict=True):
            if start < size and stop > 0:
                ids += _slice_newest_first(tier, max(start, 0), min(stop, size), size if exact else None)
            start, stop = start - size, stop - size
        return ids


def _slice_newest_first(stories: ArticleQuerySet, start: int, stop: int, size: int | None) -> list[int]:
    """Ids of ``stories[start:stop]`` newest first; near the end of a list of known ``size``, read from its oldest end.

    Either way the database walks the date index from the nearer end, and never further than
    ``MAX_DEPTH`` matches.
    """
    if size is None or start <= size - stop:
        return list(stories.order_by("-published_at", "-pk").values_list("pk", flat=True)[start:stop])
    oldest_first = stories.order_by("published_at", "pk").values_list("pk", flat=True)[size - stop : size - start]
    return list(reversed(oldest_first))


def matching_any_state(stories: ArticleQuerySet, text: str) -> ArticleQuerySet:
    """Those of ``stories`` (drafts too: the back office's search) whose words or slug match ``text``.

    On PostgreSQL: the stored vector, from its GIN index (drafts' vectors are kept current too), or
    the exact slug. Elsewhere: every word in the headline, standfirst or slug.
    """
    query = Query.parse(text)
    if not query.words:
        return stories
    if uses_full_text(stories.db):
        return stories.filter(Q(search_vector=_ts_query(query)) | Q(slug=query.text))
    for word in query.words[:MAX_FALLBACK_WORDS]:
        stories = stories.filter(Q(title__icontains=word) | Q(standfirst__icontains=word) | Q(slug__icontains=word))
    return stories


def headline_starting_words(stories: ArticleQuerySet, text: str) -> ArticleQuerySet:
    """Those of ``stories`` whose headline has words starting with each word typed (pickers: “ukr nat”).

    On PostgreSQL, prefixes of the headline's words from its GIN index; elsewhere, substrings.
    """
    query = Query.parse(text)
    if not query.words:
        return stories
    if uses_full_text(stories.db):
        # Words are letters and digits only (Query.parse), so they are safe in tsquery syntax.
        prefixes = " & ".join(f"{word}:*" for word in query.words[:MAX_FALLBACK_WORDS])
        ts_query = SearchQuery(prefixes, search_type="raw", config=settings.SEARCH_CONFIG)
        return stories.alias(headline_vector=headline_vector()).filter(headline_vector=ts_query)
    for word in query.words[:MAX_FALLBACK_WORDS]:
        stories = stories.filter(title__icontains=word)
    return stories


def _found_cards(ids: list[int], query: Query) -> list[Card]:
    """The cards of the stories with these ``ids`` (just found among published ones), in this order, each
    with its ``search_snippet``: two queries, the first reading the card's columns and its excerpt."""
    if not ids:
        return []
    if uses_full_text():
        # ts_headline takes the query's words as a parameter: built for each query.
        found = Article.objects.filter(pk__in=ids).annotate(marked_excerpt=_headline(query)).order_by()
        rows = list(found.values_list(*CARD_COLUMNS, "marked_excerpt"))
    else:
        rows = rows_by_ids(
            "search result cards",
            Article,
            ids,
            lambda ids: Article.objects.filter(pk__in=ids).order_by().values_list(*CARD_COLUMNS, "body"),
        )
    excerpts = {row[0]: row[-1] for row in rows}
    cards = {card.pk: card for card in cards_from_rows([row[:-1] for row in rows])}
    found_cards = []
    for pk in ids:
        card = cards.get(pk)
        if card is not None:
            card.search_snippet = snippet(excerpts[pk], query, marked=uses_full_text())
            found_cards.append(card)
    return found_cards


def snippet(excerpt: str, query: Query, *, marked: bool) -> SafeString:
    """The part of a found story's body that matched, as safe HTML with ``<mark>``s.

    ``excerpt``: the body's source, or (``marked``) ``ts_headline``'s excerpt of it, matches marked.
    """
    if marked:
        return _render_marks(_plain(excerpt))
    # The fallback: cut (as plain text) and mark the body here rather than in the database.
    return _render_marks(_mark(_excerpt_of_markdown(excerpt, query.words), query.words))


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


def _matching(stories: ArticleQuerySet, query: Query) -> ArticleQuerySet:
    if uses_full_text(stories.db):
        return stories.filter(search_vector=_ts_query(query))
    for word in query.words[:MAX_FALLBACK_WORDS]:
        stories = stories.filter(
            Q(title__icontains=word)
            | Q(standfirst__icontains=word)
            | Q(body__icontains=word)
            | Q(pk__in=TaggedArticle.objects.filter(tag__name__icontains=word).values("content_object"))
            | Q(pk__in=Byline.objects.filter(author__name__icontains=word).values("article"))
        )
    return stories


def _headline_matching(matches: ArticleQuerySet, query: Query, *, negate: bool = False) -> ArticleQuerySet:
    """Those of ``matches`` whose headline matches the query by itself (the first tier), or, negated, the others."""
    matches, condition = _headline_condition(matches, query)
    return matches.exclude(condition) if negate else matches.filter(condition)


def _headline_tier(stories: ArticleQuerySet, matches: ArticleQuerySet, query: Query) -> ArticleQuerySet:
    """The first tier: those of ``matches`` whose headline matches by itself.

    In the fallback a headline holding every word is already a match, so the tier tests the headline
    alone and never reads the bodies (SQLite would test the body before the headline). Full text needs
    both: ``-word`` may exclude a story by a word of its body.
    """
    if uses_full_text(stories.db):
        return _headline_matching(matches, query)
    return _headline_matching(stories, query)


def _headline_condition(matches: ArticleQuerySet, query: Query) -> tuple[ArticleQuerySet, Q]:
    """``matches`` ready to test, and the condition that the headline alone matches ``query``."""
    if uses_full_text(matches.db):
        # The same expression as HEADLINE_SEARCH_INDEX (migration 0014), so that index serves it.
        return matches.alias(headline_vector=headline_vector()), Q(headline_vector=_ts_query(query))
    return matches, Q(*(Q(title__icontains=word) for word in query.words[:MAX_FALLBACK_WORDS]))


def headline_vector() -> SearchVector:
    """The headline's own search vector, as its GIN index is built on it."""
    return SearchVector("title", config=settings.SEARCH_CONFIG)


def rebuild_headline_index() -> bool:
    """Build the headline's index again if it was built with another ``SEARCH_CONFIG`` (PostgreSQL).

    Returns whether it was rebuilt (a few seconds a million stories).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [HEADLINE_INDEX])
        row = cursor.fetchone()
    if row and f"'{settings.SEARCH_CONFIG}'::regconfig" in row[0]:
        return False
    index = GinIndex(headline_vector(), name=HEADLINE_INDEX)
    with connection.schema_editor() as editor:
        editor.execute(f'DROP INDEX IF EXISTS "{HEADLINE_INDEX}"')
        editor.add_index(Article, index)
    return True


def _ts_query(query: Query) -> SearchQuery:
    return SearchQuery(query.text, search_type="websearch", config=settings.SEARCH_CONFIG)


def _headline(query: Query) -> SearchHeadline:
    """``ts_headline``: fragments of the body around the matches, each marked between private-use characters."""
    return SearchHeadline(
        "body",
        _ts_query(query),
        config=settings.SEARCH_CONFIG,
        start_sel=_MARK_START,
        stop_sel=_MARK_END,
        min_words=15,
        max_words=35,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


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
    text = _LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    # Line by line: a multi-line pattern is tried at every character, not only where lines start.
    lines = [line[marker.end() :] if (marker := _LINE_MARKER.match(line)) else line for line in text.split("\n")]
    text = "\n".join(lines).replace("**", "").replace("__", "")
    return " ".join(text.split())


def _excerpt_of_markdown(markdown: str, words: tuple[str, ...]) -> str:
    """``_excerpt`` of the body read as plain text, making plain only the part of it around the first match.

    Reading a whole body as plain text cost a result a million instructions (the regular expressions
    of ``_plain`` walk every character); the excerpt needs a few hundred characters of it.
    """
    # No match in the body (the headline, a tag or a byline matched): the excerpt is its start.
    first = _first_match(markdown, words, default=0)
    start = 0 if first < _WINDOW_BEFORE else markdown.rfind(" ", 0, first - _WINDOW_BEFORE) + 1
    end = markdown.find(" ", first + _WINDOW_AFTER)
    end = len(markdown) if end < 0 else end
    # The ellipsis keeps the cut's first word from reading as a list or heading marker at a line's start.
    excerpt = _excerpt(_plain(f"… {markdown[start:end]}" if start else markdown[:end]), words)
    return excerpt if end == len(markdown) or excerpt.endswith(" …") else f"{excerpt} …"


def _first_match(text: str, words: tuple[str, ...], *, default: int) -> int:
    """Where the first of ``words`` is in ``text``, ignoring case; ``default`` if none is."""
    if not all(word.isascii() for word in words):
        lowered = text.lower()
        return min((hit for word in words if (hit := lowered.find(word.lower())) >= 0), default=default)
    # ASCII words, found in the text's UTF-8 bytes: lowering a str looks up every character's case
    # (200,000 instructions for a story's body), lowering bytes only changes ASCII letters.
    encoded = text.encode()
    lowered = encoded.lower()
    hit = min((hit for word in words if (hit := lowered.find(word.encode().lower())) >= 0), default=-1)
    if hit < 0:
        return default
    return hit if len(encoded) == len(text) else len(encoded[:hit].decode())


def _excerpt(text: str, words: tuple[str, ...]) -> str:
    """About ``_EXCERPT_CHARS`` characters of ``text``, cut at spaces, from just before the first match."""
    first = _first_match(text, words, default=0)
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
    return _any_word(words).sub(lambda match: f"{_MARK_START}{match.group(0)}{_MARK_END}", text)


@lru_cache(maxsize=64)
def _any_word(words: tuple[str, ...]) -> re.Pattern:
    """Any of ``words``, ignoring case, longest first (so that a longer word is marked whole)."""
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def _render_marks(marked: str) -> SafeString:
    """Escape everything, then turn each balanced pair of markers into ``<mark>``."""
    # Escaping leaves the markers as they are, so pairs are found after it; then strays go.
    return mark_safe(_unmarked(_MARKED.sub(r"<mark>\1</mark>", html.escape(marked))))


def _unmarked(text: str) -> str:
    return text.replace(_MARK_START, "").replace(_MARK_END, "")
