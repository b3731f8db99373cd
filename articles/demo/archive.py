"""A synthetic archive at newsroom scale, for benchmarks: ten years of stories, written in bulk.

Stories are assembled from a pool of generated paragraphs, so bodies have a
realistic length and shape (subheadings, quotes) while each distinct block is
rendered to HTML only once: rendering is the slow part of saving a story, and
Markdown renders block by block, so a body's HTML is the join of its blocks'.
On PostgreSQL the stories go in with ``COPY``, each with its search vector, and
the full-text indexes are built once at the end (``bulk_load``), all in one
transaction; elsewhere with ``bulk_create``, a transaction per batch. Progress is
reported through ``progress``.
"""

import random
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from itertools import accumulate, islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from authors.models import Author

from ..models import Article, Byline, Section, Source, TaggedArticle
from ..rendering import render_markdown
from . import bulk_load

FIRST_NAMES = [
    "Amara",
    "Lena",
    "Priya",
    "David",
    "Tomás",
    "Mei",
    "Jonas",
    "Sofia",
    "Omar",
    "Ingrid",
    "Kwame",
    "Elena",
    "Rafael",
    "Aiko",
    "Nadia",
    "Pavel",
    "Chiara",
    "Malik",
    "Greta",
    "Tariq",
    "Yusuf",
    "Hana",
    "Felix",
    "Leila",
    "Mateo",
    "Zora",
    "Anders",
    "Nia",
    "Viktor",
    "Rosa",
    "Idris",
    "Maren",
    "Kofi",
    "Lucia",
]
LAST_NAMES = [
    "Okafor",
    "Hoffmann",
    "Raman",
    "Wyatt",
    "Rivera",
    "Chen",
    "Berg",
    "Marić",
    "Haddad",
    "Lindqvist",
    "Mensah",
    "Petrova",
    "Duarte",
    "Sato",
    "Karimi",
    "Novak",
    "Esposito",
    "Qureshi",
    "Brandt",
    "Aziz",
    "Demir",
    "Kowalski",
    "Nakamura",
    "Oyelaran",
    "Silva",
    "Varga",
    "Moreau",
    "Osei",
    "Lund",
]
SECTION_NAMES = ["World", "Politics", "Business", "Science", "Health", "Technology", "Culture", "Sport",
                 "Opinion", "Environment", "Education", "Travel", "Books", "Food", "Cities", "Media"]  # fmt: skip
SUBSECTION_NAMES = ["Europe", "Africa", "Americas", "Asia", "Middle East", "Economy", "Markets", "Football"]
TOPICS = [
    "climate",
    "energy",
    "elections",
    "housing",
    "transport",
    "health",
    "schools",
    "water",
    "trade",
    "farming",
    "migration",
    "rail",
    "budget",
    "inflation",
    "wages",
    "tourism",
    "fisheries",
    "forests",
    "wildfire",
    "floods",
    "drought",
    "ports",
    "shipping",
    "vaccines",
    "hospitals",
    "universities",
    "science",
    "space",
    "satellites",
    "museums",
    "theatre",
    "music",
    "film",
    "football",
    "athletics",
    "cycling",
    "sailing",
    "courts",
    "police",
    "parliament",
    "councils",
    "taxes",
    "pensions",
    "banks",
    "startups",
    "factories",
    "mining",
    "steel",
    "solar",
    "wind",
    "batteries",
]
PLACES = [
    "Tellan",
    "Marrow",
    "Bay",
    "Kestrel",
    "Falls",
    "Port",
    "Amsel",
    "Sarune",
    "Caldera",
    "Vesna",
    "Oldham",
    "Brisk",
    "Norrvik",
    "Halden",
    "Zarin",
    "Lomond",
    "Averly",
    "Castra",
    "Dunmere",
    "Elbrook",
    "Fenwick",
    "Galloway",
    "Harrow",
    "Islay",
    "Jorvik",
]
VERBS = ["approves", "rejects", "delays", "expands", "cuts", "unveils", "defends", "reviews", "launches", "ends"]
SUBJECTS = ["council", "ministry", "regulator", "union", "court", "agency", "coalition", "board", "committee"]

WORDS = [
    "the",
    "a",
    "new",
    "plan",
    "would",
    "could",
    "after",
    "before",
    "while",
    "said",
    "says",
    "officials",
    "residents",
    "experts",
    "report",
    "data",
    "year",
    "month",
    "week",
    "people",
    "city",
    "region",
    "country",
    "government",
    "local",
    "national",
    "public",
    "private",
    "funding",
    "support",
    "pressure",
    "change",
    "growth",
    "decline",
    "record",
    "higher",
    "lower",
    "first",
    "last",
    "second",
    "more",
    "less",
    "most",
    "many",
    "few",
    "several",
    "early",
    "late",
    "meeting",
    "talks",
    "agreement",
    "proposal",
    "decision",
    "vote",
    "review",
    "study",
    "survey",
    "figures",
    "costs",
    "prices",
    "jobs",
    "services",
]


@dataclass
class ArchiveReport:
    sections: int = 0
    authors: int = 0
    tags: int = 0
    stories: int = 0
    by_status: dict = field(default_factory=dict)
    seconds: float = 0.0
    # Whether the stories' search vectors and full-text indexes were built with them (PostgreSQL).
    search_indexed: bool = False
    # Where the time went (PostgreSQL): phase name → seconds, for the command's summary.
    phases: dict = field(default_factory=dict)


@dataclass(slots=True)
class StoryDraft:
    """One generated story before it is written: plain values, no model instance (a million of those is slow)."""

    title_words: tuple[str, ...]
    slug: str
    kicker: str
    standfirst: str
    blocks: list[str]
    section_id: int
    status: str
    published_at: datetime | None
    submitted_at: datetime | None
    author_ids: list[int]
    tag_ids: list[int]
    source_id: int | None

    @property
    def title(self) -> str:
        return " ".join(self.title_words)


def _sentence(rng: random.Random, topic: str, place: str) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    words.insert(rng.randint(0, len(words)), topic)
    words.insert(rng.randint(0, len(words)), place)
    return " ".join(words).capitalize() + "."


def _paragraph_pool(rng: random.Random, size: int) -> list[str]:
    pool = []
    for _ in range(size):
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        pool.append(" ".join(_sentence(rng, topic, place) for _ in range(rng.randint(2, 4))))
    return pool


@cache
def _block_html(block: str) -> str:
    return render_markdown(block)


def generate_archive(
    *,
    stories: int,
    authors: int,
    sections: int,
    tags: int,
    seed: int = 1,
    batch_size: int = 2000,
    progress: Callable[[str], None] = lambda message: None,
) -> ArchiveReport:
    """Add a synthetic archive to the database. Existing content is left alone."""
    rng = random.Random(seed)
    started = time.monotonic()
    report = ArchiveReport()
    run = f"{seed}-{secrets.token_hex(3)}"  # keeps slugs unique when run again

    with transaction.atomic():
        section_objects = _sections(sections)
        author_objects = Author.objects.bulk_create(
            Author(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                slug=f"writer-{run}-{index}",
                role=rng.choice(["Reporter", "Correspondent", "Editor", "Columnist", "Contributor"]),
                bio="Covers " + ", ".join(rng.sample(TOPICS, 3)) + " for the paper.",
            )
            for index in range(authors)
        )
        tag_names = [f"{rng.choice(TOPICS).capitalize()} {index}" for index in range(tags)]
        # A second run reuses the tags of the first rather than colliding with them.
        Tag.objects.bulk_create((Tag(name=name, slug=slugify(name)) for name in tag_names), ignore_conflicts=True)
        tags_by_name = Tag.objects.in_bulk(tag_names, field_name="name")
        tag_objects = [tags_by_name[name] for name in tag_names if name in tags_by_name]
        sources = list(Source.objects.all()) or [Source.objects.create(name="Meridian Wire", kind=Source.Kind.WIRE)]
    report.sections, report.authors, report.tags = len(section_objects), len(author_objects), len(tag_objects)
    progress(f"Created {report.sections} sections, {report.authors} authors and {report.tags} tags.")

    pool = _paragraph_pool(rng, 3000)
    drafts = _drafts(
        rng, stories, pool, run, report,
        sections=[section.pk for section in section_objects],
        authors=[author.pk for author in author_objects],
        tags=[tag.pk for tag in tag_objects],
        sources=[source.pk for source in sources],
    )  # fmt: skip

    def batch_done(count: int) -> None:
        report.stories += count
        elapsed = time.monotonic() - started
        progress(f"{report.stories:>8,} / {stories:,} stories  ({report.stories / elapsed:,.0f}/s)")

    if connection.vendor == "postgresql":
        texts = bulk_load.StoryTexts(
            tags={tag.pk: tag.name for tag in tag_objects},
            authors={author.pk: author.name for author in author_objects},
            block_html=_block_html,
        )
        texts.vectors.load(_every_text(pool, tag_names, author_objects))
        report.phases = bulk_load.load_stories(
            drafts, stories, texts, batch_size=batch_size, batch_done=batch_done, progress=progress
        )
        report.search_indexed = True
    else:
        _create_stories(drafts, batch_size, batch_done)
    report.seconds = time.monotonic() - started
    return report


def _drafts(rng: random.Random, stories: int, pool: list[str], run: str, report: ArchiveReport, *, sections: list[int],
            authors: list[int], tags: list[int], sources: list[int]) -> Iterator[StoryDraft]:  # fmt: skip
    """``stories`` drafts, counted by state in ``report``."""
    now = timezone.now()
    ten_years = timedelta(days=3652).total_seconds()
    # Big desks file far more than small ones (the first section gets about a third of the stories),
    # and popular tags are used far more than rare ones, as in a real archive. Cumulative weights
    # once, not per story (``choices`` would add them up again on every call).
    section_weights = list(accumulate(1 / (rank + 1) ** 1.2 for rank in range(len(sections))))
    tag_weights = list(accumulate(1 / (rank + 1) for rank in range(len(tags))))
    by_status = report.by_status
    for index in range(stories):
        # Synthetic rows for benchmarks, written in bulk: states are set directly, not through
        # workflow.py, because a million transitions (and their saves) would be the slow part.
        status, published_at = _status_and_time(rng, now, ten_years)
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        title_words = (place, rng.choice(SUBJECTS), rng.choice(VERBS), topic, "plan")
        by_status[status] = by_status.get(status, 0) + 1
        yield StoryDraft(
            title_words=title_words,
            slug=f"{'-'.join(title_words).lower()}-{run}-{index}",
            kicker=rng.choice(KICKERS),
            standfirst=pool[rng.randrange(len(pool))][:300],
            blocks=_body_blocks(rng, pool),
            section_id=rng.choices(sections, cum_weights=section_weights)[0],
            status=status,
            published_at=published_at,
            submitted_at=now if status == Article.Status.IN_REVIEW else None,
            author_ids=rng.sample(authors, 2 if rng.random() < 0.12 and len(authors) > 1 else 1),
            tag_ids=sorted(set(rng.choices(tags, cum_weights=tag_weights, k=rng.randint(1, 5)))) if tags else [],
            source_id=rng.choice(sources) if rng.random() < 0.3 else None,
        )


KICKERS = ["", "", "", "", "Analysis", "Explainer", "Live"]


def _every_text(pool: list[str], tag_names: list[str], authors: list[Author]) -> Iterator[str]:
    """Every distinct text a story's search vector is made of, so it can be vectorised before the load.

    A headline is vectorised word by word (each a single word, none a stop word, so the join has the
    same positions as the whole headline's vector); every other text is one of the pool's.
    """
    yield from (word for words in (PLACES, SUBJECTS, VERBS, TOPICS, ["plan"]) for word in words)
    yield from pool
    for paragraph in pool:
        yield paragraph[:300]
        yield _heading(paragraph)
        yield _quote(paragraph)
    yield from tag_names
    yield from (author.name for author in authors)


def _create_stories(drafts: Iterator[StoryDraft], batch_size: int, batch_done: Callable[[int], None]) -> None:
    """Elsewhere than PostgreSQL: ``bulk_create``, a transaction per batch."""
    now = timezone.now()
    while batch := list(islice(drafts, batch_size)):
        with transaction.atomic():
            created = Article.objects.bulk_create(
                Article(
                    title=draft.title,
                    slug=draft.slug,
                    kicker=draft.kicker,
                    standfirst=draft.standfirst,
                    body="\n\n".join(draft.blocks),
                    body_html="\n".join(_block_html(block) for block in draft.blocks),
                    section_id=draft.section_id,
                    status=draft.status,
                    published_at=draft.published_at,
                    submitted_at=draft.submitted_at,
                    created_at=now,
                    updated_at=now,
                )
                for draft in batch
            )
            pairs = list(zip(created, batch, strict=True))
            Byline.objects.bulk_create(
                Byline(article_id=article.pk, author_id=author, position=position)
                for article, draft in pairs
                for position, author in enumerate(draft.author_ids)
            )
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object_id=article.pk, tag_id=tag)
                for article, draft in pairs
                for tag in draft.tag_ids
            )
            Article.sources.through.objects.bulk_create(
                Article.sources.through(article_id=article.pk, source_id=draft.source_id)
                for article, draft in pairs
                if draft.source_id
            )
        batch_done(len(batch))


def _sections(wanted: int) -> list[Section]:
    names = SECTION_NAMES[: max(1, min(wanted, len(SECTION_NAMES)))]
    result = []
    for position, name in enumerate(names):
        section, _ = Section.objects.get_or_create(slug=slugify(name), defaults={"name": name, "position": position})
        result.append(section)
    for name in SUBSECTION_NAMES[: max(0, wanted - len(names))]:
        section, _ = Section.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "parent": result[0], "position": 100}
        )
        result.append(section)
    return result


def _status_and_time(rng: random.Random, now, ten_years: float):
    roll = rng.random()
    if roll < 0.93:
        return Article.Status.PUBLISHED, now - timedelta(seconds=rng.random() ** 1.5 * ten_years + 60)
    if roll < 0.95:
        return Article.Status.PUBLISHED, now + timedelta(hours=rng.uniform(1, 24 * 14))  # scheduled
    if roll < 0.98:
        return Article.Status.DRAFT, None
    return Article.Status.IN_REVIEW, None


def _body_blocks(rng: random.Random, pool: list[str]) -> list[str]:
    blocks = []
    for part in range(rng.randint(2, 4)):
        if part:
            blocks.append(_heading(rng.choice(pool)))
        blocks.extend(rng.choice(pool) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.5:
            blocks.append(_quote(rng.choice(pool)))
    return blocks


@cache
def _heading(paragraph: str) -> str:
    return "## " + paragraph.split(".")[0][:60].strip().capitalize()


@cache
def _quote(paragraph: str) -> str:
    return "> “" + paragraph.split(". ")[0] + ",” said a spokesperson."
