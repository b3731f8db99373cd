"""Outside copy into stories waiting for review: one code path for every format.

Files, uploads and URLs become bytes; each format's parser turns them into
``ParsedStory`` items; each item is then imported on its own, all or nothing,
in a transaction of its own (a savepoint inside a larger one):

- a new item becomes a story *in review* (never published), with the
  transition and first revision any submitted story has, and an
  ``ImportedItem`` recording its identity;
- the same item again (same identity, same content) creates nothing and is
  reported as already imported;
- a changed item (an agency's update) becomes a new revision of its story if
  the story is not published yet, and is reported, not applied, if it is;
- an item that fails leaves nothing behind, and the next item goes on.

Queries stay constant per item: sources, authors and tags are looked up in one
query each and linked with bulk inserts, whatever their number, and the body
is one field however many paragraphs it has.

A little over 500 lines: identity, updates, linking and the report are one transaction's steps,
read top to bottom; the formats themselves live in their own modules.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import reduce
from operator import or_
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author

from .. import revisions, workflow
from ..models import Article, Byline, ImportedItem, Revision, Section, Source, TaggedArticle, page_parts
from . import MAX_BYTES, IngestError
from .decoding import decode
from .feeds import fetch, parse_feed
from .ninjs import parse_ninjs
from .plaintext import ParsedAuthor, ParsedSource, ParsedStory, derive_standfirst, parse_plain_text

logger = logging.getLogger(__name__)

Status = Article.Status
TITLE_MAX_CHARS = Article._meta.get_field("title").max_length
STANDFIRST_MAX_CHARS = Article._meta.get_field("standfirst").max_length
KICKER_MAX_CHARS = Article._meta.get_field("kicker").max_length
NAME_MAX_CHARS = 120  # Source.name and Author.name
TAG_MAX_CHARS = Tag._meta.get_field("name").max_length
SOURCE_URL_MAX_CHARS = Source._meta.get_field("url").max_length


class Format(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    NINJS = "ninjs"
    FEED = "feed"


SUFFIXES = {
    **dict.fromkeys([".txt", ".text", ".md"], Format.TEXT),
    **dict.fromkeys([".json", ".ninjs"], Format.NINJS),
    **dict.fromkeys([".xml", ".rss", ".atom", ".rdf"], Format.FEED),
}


def detect_format(name: str, data: bytes, content_type: str = "", *, default: Format = Format.TEXT) -> Format:
    """The format by file extension, else by the server's content type, else by the first characters.

    A web page is given to the feed reader, which refuses it as such rather than import its markup as text.
    """
    suffix = Path(urlsplit(name).path).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if "json" in content_type:
        return Format.NINJS
    if any(kind in content_type for kind in ("xml", "rss", "atom")):
        return Format.FEED
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return Format.NINJS
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:RDF")) or head[:14].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return Format.FEED
    return default


# --- The report -----------------------------------------------------------------


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    ALREADY_IMPORTED = "already imported"
    NOT_APPLIED = "not applied"
    REFUSED = "refused"


@dataclass(frozen=True)
class ItemResult:
    """What happened to one item: its label (file name, and number within the file), outcome and why."""

    label: str
    outcome: Outcome
    message: str
    article: Article | None = None

    def line(self, *, dry_run: bool = False) -> str:
        """One line of the report. A dry run's new stories are rolled back: their numbers will never exist."""
        known = self.article is not None and self.article.pk and not (dry_run and self.outcome == Outcome.CREATED)
        story = f" (story {self.article.pk})" if known else ""
        return f"{self.outcome:<16} {self.label} — {self.message}{story}"


@dataclass
class ImportReport:
    results: list[ItemResult] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def summary(self) -> str:
        total = len(self.results)
        counts = ", ".join(f"{self.count(outcome)} {outcome}" for outcome in Outcome)
        rate = f", {total / self.elapsed:.0f} items/s" if total and self.elapsed > 0 else ""
        return f"{total} {'item' if total == 1 else 'items'}: {counts} in {self.elapsed:.1f} s{rate}."


def _too_big(size: int) -> str:
    return f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB ({size:,} bytes), the most that is imported."


# --- The importer ---------------------------------------------------------------


class Importer:
    """Imports files, uploads, URLs or parsed stories into ``section``, on behalf of ``user`` (None: a command)."""

    def __init__(
        self,
        *,
        section: Section,
        user: AbstractBaseUser | None = None,
        fmt: Format = Format.AUTO,
        on_result: Callable[[ItemResult], None] | None = None,
    ) -> None:
        self.section = section
        self.user = user
        self.format = Format(fmt)
        self.on_result = on_result
        self.report = ImportReport()

    # --- Where copy comes from ---

    def import_path(self, path: Path) -> None:
        """A file, or every file in a folder and its subfolders (hidden ones skipped), in name order."""
        if path.is_dir():
            files = sorted(
                child
                for child in path.rglob("*")
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
            for child in files:
                self._import_file(child)
        elif path.is_file():
            self._import_file(path)
        else:
            self._record(ItemResult(str(path), Outcome.REFUSED, "There is no such file or folder."))

    def _import_file(self, path: Path) -> None:
        size = path.stat().st_size
        if size > MAX_BYTES:
            self._record(ItemResult(str(path), Outcome.REFUSED, _too_big(size)))
            return
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
        self.import_bytes(str(path), data)

    def import_upload(self, upload: UploadedFile) -> None:
        """A file uploaded in the admin; its size is checked before it is read."""
        name = Path(upload.name or "upload").name
        if upload.size is not None and upload.size > MAX_BYTES:
            self._record(ItemResult(name, Outcome.REFUSED, _too_big(upload.size)))
            return
        upload.seek(0)
        self.import_bytes(name, upload.read(MAX_BYTES + 1))

    def import_url(self, url: str) -> None:
        """A feed (or ninjs) at an http(s) address, fetched with a timeout and a size cap."""
        try:
            data, content_type = fetch(url)
        except IngestError as error:
            self._record(ItemResult(url, Outcome.REFUSED, str(error)))
            return
        # Addresses serve feeds (or ninjs): a document that is neither is read as a feed, and refused as one.
        self.import_bytes(url, data, content_type=content_type, default=Format.FEED)

    def import_bytes(self, name: str, data: bytes, *, content_type: str = "", default: Format = Format.TEXT) -> None:
        """Every item in one document; a document that cannot be read at all is one refused line."""
        try:
            items = self._parse(name, data, content_type, default)
        except IngestError as error:
            self._record(ItemResult(name, Outcome.REFUSED, str(error)))
            return
        except Exception as error:  # a parser bug must not stop the rest of the batch
            logger.exception("Reading %s failed", name)
            self._record(ItemResult(name, Outcome.REFUSED, f"The file could not be read ({type(error).__name__})."))
            return
        for number, item in enumerate(items, 1):
            label = name if len(items) == 1 else f"{name} #{number}"
            if isinstance(item, IngestError):
                self._record(ItemResult(label, Outcome.REFUSED, str(item)))
            else:
                self._record(self.import_story(item, label=label))

    def _parse(self, name: str, data: bytes, content_type: str, default: Format) -> list[ParsedStory | IngestError]:
        if len(data) > MAX_BYTES:
            raise IngestError(_too_big(len(data)))
        if not data.strip():
            raise IngestError("The file is empty: there is no headline or text in it.")
        chosen = self.format if self.format != Format.AUTO else detect_format(name, data, content_type, default=default)
        if chosen == Format.FEED:
            return parse_feed(data, location=name)
        text = decode(data)
        if chosen == Format.NINJS:
            return parse_ninjs(text)
        return [parse_plain_text(text)]

    def _record(self, result: ItemResult) -> None:
        self.report.results.append(result)
        self.report.finished = time.monotonic()
        if self.on_result is not None:
            self.on_result(result)

    # --- One item, all or nothing ---

    def import_story(self, story: ParsedStory, *, label: str) -> ItemResult:
        """Import one parsed item in its own transaction (a savepoint inside an outer one)."""
        try:
            story = clean(story)
            with transaction.atomic():
                return self._import(story, label)
        except IngestError as error:
            return ItemResult(label, Outcome.REFUSED, str(error))
        except ValidationError as error:
            return ItemResult(label, Outcome.REFUSED, " ".join(error.messages))
        except IntegrityError:
            # Another import saved the same item between our look-up and our insert.
            existing = ImportedItem.objects.select_related("article").filter(key=identity_key(story)).first()
            if existing is not None:
                return ItemResult(label, Outcome.ALREADY_IMPORTED, f"“{existing.article.title}”", existing.article)
            logger.exception("Saving %s failed", label)
            return ItemResult(label, Outcome.REFUSED, "It could not be saved (a conflict in the database).")
        except Exception as error:  # one bad item must not stop the others
            logger.exception("Importing %s failed", label)
            reason = f"An unexpected error stopped this item ({type(error).__name__}); nothing of it was saved."
            return ItemResult(label, Outcome.REFUSED, reason)

    def _import(self, story: ParsedStory, label: str) -> ItemResult:
        key, digest = identity_key(story), content_hash(story)
        record = ImportedItem.objects.select_related("article").filter(key=key).first()
        if record is None:
            article = self._create(story, label)
            ImportedItem.objects.create(
                article=article,
                origin=story.origin,
                identity=story.identity,
                key=key,
                content_hash=digest,
                original_url=story.original_url,
                source_published_at=story.published_at,
            )
            return ItemResult(label, Outcome.CREATED, f"“{article.title}”", article)
        if record.content_hash == digest:
            return ItemResult(label, Outcome.ALREADY_IMPORTED, f"“{record.article.title}”", record.article)
        article = Article.objects.select_for_update().get(pk=record.article_id)
        if not workflow.takes_outside_updates(article):
            state = "published" if article.status == Status.PUBLISHED else "unpublished"
            return ItemResult(label, Outcome.NOT_APPLIED, f"update not applied: story is {state}", article)
        revision = self._update(article, record, story, digest, label)
        change = f"revision {revision.number}" if revision else "no change to its text"
        return ItemResult(label, Outcome.UPDATED, f"“{article.title}”: {change}", article)

    def _create(self, story: ParsedStory, label: str) -> Article:
        now = timezone.now()
        article = Article(
            title=story.title,
            kicker=story.kicker,
            standfirst=story.standfirst,
            body=story.body,
            section=self.section,
            embargo_until=_running_embargo(story),
            created_by=self.user,
            updated_by=self.user,
        )
        where = _origin_note(story, label)
        sources = find_or_create_sources(story.sources)
        authors = find_or_create_authors(story.authors)
        tags = find_or_create_tags(story.tags)
        # Saved with what its page shows of them: the links below are made in bulk, which sends no signals.
        article.page_parts = page_parts.built(authors=authors, tags=tags, sources=sources)
        workflow.file_imported(article, self.user or workflow.SYSTEM, note=f"Imported from {where}", at=now)
        self._link(article, sources, authors, tags, new=True)
        revisions.record_revision(article, self.user, note=f"Imported from {where}"[:300])
        return article

    def _update(
        self, article: Article, record: ImportedItem, story: ParsedStory, digest: str, label: str
    ) -> Revision | None:
        """The agency's new version replaces headline, standfirst and body (the old text stays in the
        revisions); kicker and embargo change only when the update carries them; tags, sources and
        bylines are added to, never removed, since editors may have added their own."""
        article.title, article.standfirst, article.body = story.title, story.standfirst, story.body
        if story.kicker:
            article.kicker = story.kicker
        if _running_embargo(story):
            article.embargo_until = story.embargo_until
        article.updated_by = self.user
        article.save()
        self._attach(article, story)
        source = ", ".join(source.name for source in story.sources) or label
        revision = revisions.record_revision(article, self.user, note=f"Updated by {source}"[:300])
        record.content_hash = digest
        record.original_url = story.original_url or record.original_url
        record.source_published_at = story.published_at or record.source_published_at
        record.updated_at = timezone.now()
        record.save(update_fields=["content_hash", "original_url", "source_published_at", "updated_at"])
        return revision

    def _attach(self, article: Article, story: ParsedStory) -> None:
        """Sources, bylines and tags, each in a fixed number of queries, added to what the story has."""
        sources = find_or_create_sources(story.sources)
        authors = find_or_create_authors(story.authors)
        tags = find_or_create_tags(story.tags)
        self._link(article, sources, authors, tags, new=False)
        if sources or authors or tags:
            page_parts.refresh_ids([article.pk])  # added in bulk: no signals

    def _link(
        self, article: Article, sources: list[Source], authors: list[Author], tags: list[Tag], *, new: bool
    ) -> None:
        if sources:
            through = Article.sources.through
            through.objects.bulk_create(
                [through(article_id=article.pk, source_id=source.pk) for source in sources], ignore_conflicts=True
            )
        if authors:
            existing = set() if new else set(article.bylines.values_list("author_id", flat=True))
            start = 0 if new else (article.bylines.aggregate(last=Max("position"))["last"] or -1) + 1
            Byline.objects.bulk_create(
                Byline(article=article, author=author, position=start + offset)
                for offset, author in enumerate(a for a in authors if a.pk not in existing)
            )
        if tags:
            TaggedArticle.objects.bulk_create(
                [TaggedArticle(content_object=article, tag=tag) for tag in tags], ignore_conflicts=True
            )


def _running_embargo(story: ParsedStory) -> datetime | None:
    """The source's embargo if it is still ahead; one already over changes nothing (and is no reason to update)."""
    return story.embargo_until if story.embargo_until and story.embargo_until > timezone.now() else None


def _origin_note(story: ParsedStory, label: str) -> str:
    sources = ", ".join(source.name for source in story.sources)
    return f"{sources} ({label})" if sources else label


# --- Identity and cleaning ------------------------------------------------------


def identity_key(story: ParsedStory) -> str:
    return hashlib.sha256(story.identity.encode()).hexdigest()


def content_hash(story: ParsedStory) -> str:
    """What the item says: a change here (an agency's update) makes it a new version of the same item."""
    content = {
        "title": story.title,
        "kicker": story.kicker,
        "standfirst": story.standfirst,
        "body": story.body,
        "tags": story.tags,
        "sources": [(source.name, source.url) for source in story.sources],
        "authors": [(author.name, author.bio) for author in story.authors],
        "original_url": story.original_url,
        "embargo_until": story.embargo_until.isoformat() if story.embargo_until else None,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def clean(story: ParsedStory) -> ParsedStory:
    """``story`` fitted to the database: refused without a headline, long fields trimmed, names deduplicated."""
    title = " ".join(story.title.split())
    if not title:
        raise IngestError("There is no headline.")
    if len(title) > TITLE_MAX_CHARS:
        raise IngestError(f"The headline is longer than {TITLE_MAX_CHARS} characters.")
    standfirst = " ".join(story.standfirst.split())
    if len(standfirst) > STANDFIRST_MAX_CHARS:
        standfirst = derive_standfirst(standfirst, limit=STANDFIRST_MAX_CHARS)
    sources = _unique(
        ParsedSource(name=name, url=_source_url(source.url), kind=source.kind)
        for source in story.sources
        if (name := " ".join(source.name.split())[:NAME_MAX_CHARS])
    )
    authors = _unique(
        ParsedAuthor(name=name, bio=author.bio.strip())
        for author in story.authors
        if (name := " ".join(author.name.split())[:NAME_MAX_CHARS])
    )
    tags = _unique(" ".join(tag.split())[:TAG_MAX_CHARS] for tag in story.tags)
    cleaned = replace(
        story,
        title=title,
        standfirst=standfirst,
        kicker=" ".join(story.kicker.split())[:KICKER_MAX_CHARS],
        sources=sources,
        authors=authors,
        tags=tags,
        original_url=story.original_url if len(story.original_url) <= 1000 else "",
    )
    if not cleaned.identity:
        cleaned.identity = f"{cleaned.origin}:{content_hash(cleaned)}"
    return cleaned


def _unique(items) -> list:
    """The first of each name (or tag), compared without case; empty ones dropped."""
    first: dict = {}
    for item in items:
        name = item if isinstance(item, str) else item.name
        if name:
            first.setdefault(name.lower(), item)
    return list(first.values())


def _source_url(url: str) -> str:
    url = url.strip()
    return url if urlsplit(url).scheme in ("http", "https") and len(url) <= SOURCE_URL_MAX_CHARS else ""


# --- Sources, authors and tags: one look-up each, whatever their number ------------


def find_or_create_sources(parsed: list[ParsedSource]) -> list[Source]:
    """The existing sources of these names (any case), and new ones for the rest."""
    if not parsed:
        return []
    found = {
        source.name.lower(): source
        for source in Source.objects.filter(reduce(or_, (Q(name__iexact=p.name) for p in parsed)))
    }
    sources = []
    for wanted in parsed:
        source = found.get(wanted.name.lower())
        if source is None:
            try:
                with transaction.atomic():
                    source = Source.objects.create(
                        name=wanted.name, url=wanted.url, kind=wanted.kind or Source.Kind.OTHER
                    )
            except IntegrityError:  # created meanwhile by another import
                source = Source.objects.get(name__iexact=wanted.name)
        sources.append(source)
    return sources


def find_or_create_authors(parsed: list[ParsedAuthor]) -> list[Author]:
    """The existing contributor authors of these names (any case), and new ones with the given bio for the rest.

    An existing author's bio is theirs to keep: outside copy never overwrites it. A byline in a feed is
    whatever its publisher typed, so it never resolves to an author linked to a staff account: that would
    let a feed put a journalist's name on wire copy (and, with it, the story in their hands). A new
    contributor of the same name is made instead; an editor can swap it for the staff author in the story.
    """
    if not parsed:
        return []
    found: dict[str, Author] = {}
    names = reduce(or_, (Q(name__iexact=p.name) for p in parsed))
    # With their photos: a new story is saved with what its page shows of its bylines (page_parts.built).
    for author in Author.objects.filter(names, user__isnull=True).select_related("photo").order_by("pk"):
        found.setdefault(author.name.lower(), author)
    authors = []
    for wanted in parsed:
        author = found.get(wanted.name.lower())
        if author is None:
            author = found[wanted.name.lower()] = Author.objects.create(name=wanted.name, bio=wanted.bio)
        authors.append(author)
    return authors


def find_or_create_tags(names: list[str]) -> list[Tag]:
    """Tags for ``names``: existing ones by name, by name in any case, or by slug (“Nato” is “NATO”); the rest
    created in one bulk insert."""
    if not names:
        return []
    slugs = {name: Tag().slugify(name) for name in names}
    existing = list(Tag.objects.filter(Q(name__in=names) | Q(slug__in=[slug for slug in slugs.values() if slug])))
    by_name = {tag.name: tag for tag in existing}
    by_lower = {tag.name.lower(): tag for tag in existing}
    by_slug = {tag.slug: tag for tag in existing}
    tags, missing = [], {}
    for name in names:
        tag = by_name.get(name) or by_lower.get(name.lower()) or by_slug.get(slugs[name])
        if tag is not None:
            tags.append(tag)
        elif slugs[name]:
            missing.setdefault(slugs[name], name)
        else:  # nothing to make a slug from (“!!!”): taggit finds one
            tags.append(Tag.objects.create(name=name))
    if missing:
        Tag.objects.bulk_create([Tag(name=name, slug=slug) for slug, name in missing.items()], ignore_conflicts=True)
        tags += Tag.objects.filter(Q(slug__in=list(missing)) | Q(name__in=list(missing.values())))
    return list(dict.fromkeys(tags))
