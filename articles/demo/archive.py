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
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

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
    now = timezone.now()
    ten_years = timedelta(days=3652).total_seconds()
    # Big desks file far more than small ones (the first section gets about a third of the stories),
    # and popular tags are used far more than rare ones, as in a real archive.
    section_weights = [1 / (rank + 1) ** 1.2 for rank in range(len(section_objects))]
    tag_weights = [1 / (rank + 1) for rank in range(len(tag_objects))]

    fast = connection.vendor == "postgresql"
    vectors = bulk_load.VectorCache()
    author_names = {author.pk: author.name for author in author_objects}
    with transaction.atomic() if fast else nullcontext():
        if fast:
            # One transaction: a load that fails leaves nothing behind, and its indexes where they were.
            indexes = bulk_load.set_indexes_aside()
        for start in range(0, stories, batch_size):
            count = min(batch_size, stories - start)
            batch, blocks_of = [], []
            for offset in range(count):
                index = start + offset
                # Synthetic rows for benchmarks, written in bulk: states are set directly, not through
                # workflow.py, because a million transitions (and their saves) would be the slow part.
                status, published_at = _status_and_time(rng, now, ten_years)
                topic, place = rng.choice(TOPICS), rng.choice(PLACES)
                title = f"{place} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {topic} plan"
                blocks = _body_blocks(rng, pool)
                batch.append(
                    Article(
                        title=title,
                        slug=f"{slugify(title)}-{run}-{index}",
                        kicker=rng.choice(["", "", "", "", "Analysis", "Explainer", "Live"]),
                        standfirst=pool[rng.randrange(len(pool))][:300],
                        body="\n\n".join(blocks),
                        body_html="\n".join(_block_html(block) for block in blocks),
                        section=rng.choices(section_objects, weights=section_weights)[0],
                        status=status,
                        published_at=published_at,
                        submitted_at=now if status == Article.Status.IN_REVIEW else None,
                        created_at=now,
                        updated_at=now,
                    )
                )
                blocks_of.append(blocks)
                report.by_status[status] = report.by_status.get(status, 0) + 1
            if fast:
                for article, pk in zip(batch, bulk_load.reserve_ids(len(batch)), strict=True):
                    article.pk = article.id = pk
                created = batch
            else:
                created = None  # ids come from bulk_create, below
            with transaction.atomic():
                if not fast:
                    created = Article.objects.bulk_create(batch)
                bylines = [
                    Byline(article_id=article.pk, author=author, position=position)
                    for article in created
                    for position, author in enumerate(rng.sample(author_objects, 2 if rng.random() < 0.12 else 1))
                ]
                tagged = [
                    TaggedArticle(content_object_id=article.pk, tag=tag)
                    for article in created
                    for tag in set(rng.choices(tag_objects, weights=tag_weights, k=rng.randint(1, 5)))
                ]
                sources_of = [(article.pk, rng.choice(sources).pk) for article in created if rng.random() < 0.3]
                if fast:
                    _with_search_vectors(created, blocks_of, bylines, tagged, vectors, author_names)
                    bulk_load.copy_stories(created)
                    bulk_load.copy_links(bylines, tagged, sources_of)
                else:
                    Byline.objects.bulk_create(bylines)
                    TaggedArticle.objects.bulk_create(tagged)
                    Article.sources.through.objects.bulk_create(
                        Article.sources.through(article_id=pk, source_id=source) for pk, source in sources_of
                    )
            report.stories += len(created)
            elapsed = time.monotonic() - started
            progress(f"{report.stories:>8,} / {stories:,} stories  ({report.stories / elapsed:,.0f}/s)")
        if fast:
            progress(f"Building the {len(indexes)} indexes of the stories table, full-text search's among them…")
            indexing = time.monotonic()
            bulk_load.build_indexes(indexes)
            progress(f"Indexes built in {time.monotonic() - indexing:.0f}s.")
    report.search_indexed = fast
    report.seconds = time.monotonic() - started
    return report


def _with_search_vectors(stories, blocks_of, bylines, tagged, vectors, author_names) -> None:
    """Give each story the search vector ``articles.search`` would store (see ``bulk_load``)."""
    tags_of: dict[int, list[str]] = {}
    for link in tagged:
        tags_of.setdefault(link.content_object_id, []).append(link.tag.name)
    authors_of: dict[int, list[str]] = {}
    for byline in bylines:
        authors_of.setdefault(byline.article_id, []).append(author_names[byline.author_id])
    vectors.load(
        text
        for story, blocks in zip(stories, blocks_of, strict=True)
        for text in (story.title, story.standfirst, *blocks, *tags_of.get(story.pk, ()), *authors_of.get(story.pk, ()))
    )
    for story, blocks in zip(stories, blocks_of, strict=True):
        story.search_vector = vectors.document(
            [
                ([story.title], "A"),
                ([story.standfirst], "B"),
                (tags_of.get(story.pk, []), "B"),
                (blocks, "C"),
                (authors_of.get(story.pk, []), "D"),
            ]
        )


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
            blocks.append("## " + rng.choice(pool).split(".")[0][:60].strip().capitalize())
        blocks.extend(rng.choice(pool) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.5:
            blocks.append("> “" + rng.choice(pool).split(". ")[0] + ",” said a spokesperson.")
    return blocks
