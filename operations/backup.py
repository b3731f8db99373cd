"""Backup and restore of a whole newsroom: database content and uploaded media, in one archive.

The archive is a ``.tar.gz`` holding, in this order:

- ``manifest.json``: the format, the migrations the database was at, and how many
  rows of each table follow;
- ``data/000001.jsonl``, ``data/000002.jsonl``…: every row, one JSON object per line
  in Django's serialization format (``{"model": …, "pk": …, "fields": {…}}``), table
  after table, cut into members of a few megabytes so that neither side ever holds
  more than that in memory;
- ``media/…``: every file in the media storage (uploads and their renditions), listed and read
  through Django's storage API, so the same archive comes from local disk or an S3 bucket.

Longer than 500 lines on purpose: the writer and the reader of one archive format live side by
side, so that a change to one is made, reviewed and tested with the other in view.

**What is copied.** Every table of every installed app, many-to-many link tables as
tables of their own, whatever app they come from and whenever it was added. Two are
left out: content types and permissions, which ``migrate`` rebuilds in every database
with ids of its own. Links to those rows are written as natural keys
(``["articles", "article"]``) and looked up again on restore. Every other link is
written as the id it points to, because restore keeps every id. (With Django's
``use_natural_foreign_keys``, a link to a user or group is written as a name too. It
must then be looked up row by row, after its target has loaded. That is how an admin
log entry came to be loaded before its user.) Generated columns are left out: the
database computes them.

Stories' search vectors are copied as they are, like ``pg_dump`` copies them: building
one costs about 2 ms of PostgreSQL's time per story (stemming the whole text), which
would be minutes for a large archive. Restore builds, once, at the end, only the vectors
the archive lacks: every one when it was taken on SQLite, which stores none. Into
SQLite, vectors are loaded empty.

**In what order.** Tables are written in dependency order (``dependency_order``): each
after every table it has a foreign key to. The order comes from the models themselves,
so an app added later falls into place with no list to keep up to date. Restore
itself does not depend on the order. It checks foreign keys once, at the end of its
transaction, as ``loaddata`` does. So a cycle between tables, or a row whose parent
has a higher id (a subsection created before its section), still loads.

**A snapshot.** The rows are read in one transaction. On PostgreSQL it is REPEATABLE
READ and READ ONLY, as ``pg_dump`` reads: every query sees the database as it was at
the first one, whatever editors commit meanwhile. (At the default READ COMMITTED, a
story moved to a new section after the sections were copied would be copied with a
section the archive lacks.) SQLite needs nothing more: its transaction holds the one
write lock, so editors' saves wait until the rows are read.

**Linear time, flat memory.** Backup walks each table by primary key, a batch at a
time (keyset pagination: no OFFSET, no count per batch). Restore streams each table's
rows into one COPY on PostgreSQL (elsewhere, one prepared INSERT per batch of rows). It
builds no model instances, so no ``save()`` runs and no signal is sent per row (no
``auto_now`` stamps either). Afterwards it resets the id sequences, builds missing search vectors and
starts a new page-cache generation, each once.

**All or nothing.** A backup is written to ``<name>.partial`` and renamed only once
complete, so a full disk or a crash leaves no half-written archive under the name.
A restore loads everything in one transaction. Media files are written only after
the data has loaded, and they are removed again if anything fails: a truncated or
damaged archive, a full disk, rows that do not fit. The archive is read to its very
end (gzip checks its length and checksum) before the transaction commits. Restoring
goes into an empty, migrated database and an empty media folder, so two newsrooms
are never mixed.
"""

import contextlib
import datetime
import errno
import gzip
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import psycopg
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.encoding import is_protected_type
from psycopg.copy import QueuedLibpqWriter

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2
# Rebuilt by `migrate` in every database, with ids of their own: never copied, linked to by natural key.
REBUILT_BY_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission"})
# The state of this site's caches, not content: made by `migrate`, never copied, moved on by a restore.
NOT_COPIED = frozenset({"pagecache.contentgeneration"})
# Made by `migrate` too (the newsroom's roles, see articles/roles.py; the publication pages' starter
# text), but with content worth keeping: a restore replaces them with the backed-up rows, ids and all.
# Add any table an app fills on migrate.
REPLACED_ON_RESTORE = ("auth.group_permissions", "auth.group", "articles.publicationpage")
# Rows per query when reading and per batch when loading; members of about this many bytes.
BATCH_SIZE = 500
MEMBER_BYTES = 4 * 1024 * 1024
# Print progress within a table every this many rows.
PROGRESS_EVERY = 50_000

Progress = Callable[[str], None]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times with every microsecond: Django's encoder cuts them to milliseconds, a backup must not."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    objects: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    seconds: float = 0.0


# --- What is copied, in what order ----------------------------------------------------------------


def copied_models() -> list[type[models.Model]]:
    """Every table a backup holds, each after the tables it refers to."""
    return dependency_order(
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in REBUILT_BY_MIGRATE | NOT_COPIED
    )


def dependency_order(candidates: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """``candidates`` with each model after every other one it has a foreign key (or one-to-one) to.

    Many-to-many links are tables of their own (their through models), which come after
    both ends. Ties keep the given order. A cycle (A refers to B, B to A) has no such
    order; it is broken at one of its links, which restore loads all the same.
    """
    candidates = list(candidates)
    wanted = set(candidates)
    graph = {
        model: list(
            dict.fromkeys(target for target in _link_targets(model) if target in wanted and target is not model)
        )
        for model in candidates
    }
    while True:
        try:
            return list(TopologicalSorter(graph).static_order())
        except CycleError as error:
            # Each model in the reported cycle is a target of the next one: drop one of those links.
            target, model = error.args[1][:2]
            graph[model].remove(target)


def _link_targets(model: type[models.Model]) -> Iterator[type[models.Model]]:
    for model_field in model._meta.local_concrete_fields:
        if model_field.is_relation and model_field.related_model is not None:
            yield model_field.related_model._meta.concrete_model


def stored_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a backup copies, primary key first: all but generated ones."""
    return [
        model_field
        for model_field in model._meta.local_concrete_fields
        if (model_field.serialize or model_field.primary_key) and not getattr(model_field, "generated", False)
    ]


def _rebuilt_rows() -> dict[type[models.Model], list[models.Model]]:
    """Content types and permissions, each with what its natural key needs (one query per table)."""
    return {
        apps.get_model(label): list(apps.get_model(label)._base_manager.select_related())
        for label in sorted(REBUILT_BY_MIGRATE)
    }


def _migration_state() -> list[list[str]]:
    applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    return sorted([app, name] for app, name in applied)


# --- Backup ---------------------------------------------------------------------------------------


def create_backup(path: Path, *, progress: Progress = lambda message: None) -> BackupReport:
    """Write the whole newsroom to a new archive at ``path``; never overwrites one."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose another name rather than overwrite a backup.")
    started = time.monotonic()
    partial = path.with_name(f"{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as raw:
            report = _write_archive(raw, path, progress)
            raw.flush()
            os.fsync(raw.fileno())  # on disk before it takes the final name
        partial.replace(path)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError):
            if error.errno == errno.ENOSPC:
                raise BackupError(
                    f"The disk is full: no space left to write {path}. The partial archive was removed; "
                    "free some space (or back up to another disk) and run backup again."
                ) from error
            raise BackupError(f"Could not write {path}: {error}. The partial archive was removed.") from error
        if _from_object_storage(error):
            raise BackupError(
                f"The media storage could not be read ({error}). The partial archive was removed; "
                "check the bucket's address and credentials (AWS_*) and run backup again."
            ) from error
        raise
    report.seconds = time.monotonic() - started
    return report


def _write_archive(raw: io.BufferedWriter, path: Path, progress: Progress) -> BackupReport:
    report = BackupReport(path=path)
    connection = connections[DEFAULT_DB_ALIAS]
    # gzip's fastest level: three times as fast as its default (6) for archives about a quarter larger.
    with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as archive:
        with transaction.atomic():
            _see_a_snapshot(connection)
            tables = copied_models()
            counts = {model._meta.label: model._base_manager.count() for model in tables}
            manifest = {
                "format": FORMAT_VERSION,
                "site": settings.SITE_NAME,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "database": connection.vendor,
                "migrations": _migration_state(),
                "objects": counts,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            natural_keys = {
                model: {row.pk: row.natural_key() for row in rows} for model, rows in _rebuilt_rows().items()
            }
            members = _DataMembers(archive)
            try:
                for model in tables:
                    report.objects[model._meta.label] = _write_table(model, natural_keys, members, counts, progress)
                members.close()
            except BaseException:
                members.abandon()
                raise
        # The rows are read (and on SQLite, editors may save again); media files are only ever added.
        report.media_files = _write_media(archive, path, progress)
    return report


def _see_a_snapshot(connection) -> None:
    """Make the transaction just opened see the database as it is now, until it ends."""
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction holds the database's one write lock, a snapshot already
    if len(connection.atomic_blocks) > 1:
        return  # inside a caller's transaction (a test's): what it has read decides what is seen
    with connection.cursor() as cursor:
        # Must be the transaction's first statement. DEFERRABLE would matter only at SERIALIZABLE.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _write_table(
    model: type[models.Model], natural_keys: dict, members: "_DataMembers", counts: dict, progress: Progress
) -> int:
    label, total = model._meta.label, counts[model._meta.label]
    encode = _RowEncoder(model, natural_keys)
    rows = model._base_manager.order_by("pk").values_list(*encode.attnames)
    written, last_pk, reported = 0, None, 0
    while True:
        # Keyset pagination: each batch starts where the last ended, through the primary key's index.
        batch = list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:BATCH_SIZE])
        if not batch:
            break
        members.write("".join(encode(values) for values in batch))
        written += len(batch)
        last_pk = batch[-1][0]
        if written - reported >= PROGRESS_EVERY and written < total:
            reported = written
            progress(f"  {label}: {written:,} of {total:,}")
    if written != total:
        # Only possible if the snapshot did not hold; never write an archive that contradicts itself.
        raise BackupError(f"{label} changed while it was being read ({total:,} rows, then {written:,}).")
    if written:
        progress(f"  {label}: {written:,}")
    return written


class _RowEncoder:
    """A table's rows as lines of Django's serialization format, ``{"model": …, "pk": …, "fields": {…}}``.

    Values are written as Django's serializers write them (``value_to_string`` for all but
    numbers, times and None), but from plain rows (``values_list``) rather than model
    instances, which cost more to build than everything else here. Links to rebuilt rows
    are written as natural keys, all others as the id they hold.
    """

    def __init__(self, model: type[models.Model], natural_keys: dict[type[models.Model], dict]) -> None:
        self.label = model._meta.label_lower
        self.fields = stored_fields(model)  # the primary key first
        self.attnames = [model_field.attname for model_field in self.fields]
        self.names = [model_field.name for model_field in self.fields]
        self.links = {
            index: natural_keys[model_field.related_model]
            for index, model_field in enumerate(self.fields)
            if model_field.is_relation and model_field.related_model in natural_keys
        }

    def __call__(self, values: tuple) -> str:
        row = None
        encoded = []
        for index, (model_field, value) in enumerate(zip(self.fields, values, strict=True)):
            if value is not None and index in self.links:
                value = self.links[index][value]
            elif not is_protected_type(value):
                # value_to_string() reads the value from an object, as from a model instance.
                row = row or SimpleNamespace(**dict(zip(self.attnames, values, strict=True)))
                value = model_field.value_to_string(row)
            encoded.append(value)
        line = {"model": self.label, "pk": encoded[0], "fields": dict(zip(self.names[1:], encoded[1:], strict=True))}
        return json.dumps(line, cls=ExactJSONEncoder, ensure_ascii=False, separators=(",", ":")) + "\n"


class _DataMembers:
    """Rows written to it become archive members ``data/000001.jsonl``… of about ``MEMBER_BYTES`` each.

    A member must be complete before it is added (a tar header states the size), so each
    is gathered in memory, then added: memory stays at about two members, whatever the size
    of the newsroom, and nothing is staged on disk. A second thread compresses and writes
    each member while this one reads and encodes the next (zlib works outside the GIL).
    Members are cut between batches, so between rows.
    """

    def __init__(self, archive: tarfile.TarFile) -> None:
        self.archive, self.parts, self.size, self.count = archive, [], 0, 0
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-writer")
        self.pending: Future | None = None

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= MEMBER_BYTES:
            self._add()

    def close(self) -> None:
        """Add what is left and wait until everything is written; raise what writing raised (a full disk)."""
        self._add()
        self._wait()
        self.writer.shutdown()

    def abandon(self) -> None:
        """Stop after the member being written (the archive is being thrown away)."""
        self.writer.shutdown(cancel_futures=True)

    def _add(self) -> None:
        if self.parts:
            self.count += 1
            content = "".join(self.parts).encode()
            self.parts, self.size = [], 0
            self._wait()
            self.pending = self.writer.submit(_add_bytes, self.archive, f"data/{self.count:06d}.jsonl", content)

    def _wait(self) -> None:
        if self.pending is not None:
            self.pending.result()
            self.pending = None


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(content))


def _write_media(archive: tarfile.TarFile, path: Path, progress: Progress) -> int:
    storage = default_storage
    root = _local_folder(storage, "")
    # The archive itself, if it is being written inside the media folder.
    ours = set()
    if root is not None:
        for candidate in (path, path.with_name(f"{path.name}.partial")):
            if candidate.resolve().is_relative_to(root):
                ours.add(candidate.resolve().relative_to(root).as_posix())
    added = 0
    try:
        names = [name for name in _media_names(storage) if name not in ours]
    except FileNotFoundError:
        progress("  media: no media folder")
        return 0
    for name in names:
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:
            # Renditions of a replaced image are tidied after its save; they can be made again.
            progress(f"  media: {name} was deleted during the backup; left out")
            continue
        with source:
            info = tarfile.TarInfo(f"media/{name}")
            info.size = source.size
            info.mtime = int(_modified(storage, name, source))
            info.mode = 0o644
            archive.addfile(info, source)
        added += 1
    progress(f"  media: {added:,} files")
    return added


def _media_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in ``storage`` under ``folder``, walked with ``listdir`` (folders on disk, prefixes in a bucket)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        if not folder:
            raise  # no media folder at all
        return  # a replaced image's renditions, tidied away since their parent was listed
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from _media_names(storage, prefix + name)


def _modified(storage: Storage, name: str, opened: File) -> float:
    # A file opened from a bucket (django-storages' S3File) already holds its date from the request
    # that opened it: asking the storage would cost one more request per file.
    known = getattr(getattr(opened, "obj", None), "last_modified", None)
    if known is not None:
        return known.timestamp()
    try:
        return storage.get_modified_time(name).timestamp()
    except (NotImplementedError, OSError):
        return time.time()


def _local_folder(storage: Storage, name: str) -> Path | None:
    """Where ``name`` is on this machine's disk, or None for a storage that has no files here (a bucket)."""
    try:
        return Path(storage.path(name)).resolve()
    except NotImplementedError:
        return None


# --- Restore --------------------------------------------------------------------------------------


def restore_backup(path: Path, *, progress: Progress = lambda message: None) -> BackupReport:
    """Load ``path`` into an empty, migrated database and an empty media folder; all of it or nothing."""
    started = time.monotonic()
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    media = _MediaWriter(default_storage)
    try:
        with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) as stream:
            archive, manifest = _open_archive(path, stream)
            with archive:
                _check_target(manifest, media.storage)
                report = _restore(path, archive, stream, manifest, media, progress)
    except BaseException as error:
        media.remove_all()
        explained = _explain(error, path)
        if explained is None:
            raise
        raise explained from error

    # Committed: pages cached from the empty database go, and the planner learns about the new rows.
    from common.database import refresh_planner_statistics
    from pagecache.generation import everything_changed

    everything_changed()
    refresh_planner_statistics(*copied_models())
    report.seconds = time.monotonic() - started
    return report


def _open_archive(path: Path, stream: gzip.GzipFile) -> tuple[tarfile.TarFile, dict]:
    """The archive, read as a stream (one pass, in order), and its manifest, its first member."""
    not_a_backup = f"{path} is not a newsroom backup (a .tar.gz made by `backup`)"
    try:
        # Read a megabyte at a time: gzip pays for every read, and tar's own 10 kB reads cost seconds.
        archive = tarfile.open(fileobj=stream, mode="r|", bufsize=1024 * 1024)  # noqa: SIM115 - the caller closes it
        first = archive.next()
        if first is None or first.name != "manifest.json":
            raise BackupError(f"{not_a_backup}: it does not start with a manifest.json.")
        manifest = json.load(archive.extractfile(first))
    except EOFError as error:  # a gzip stream cut short, seen in the first megabyte read
        raise _explain(error, path) from None
    except (tarfile.TarError, OSError, zlib.error, ValueError) as error:
        raise BackupError(f"{not_a_backup}: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(
            f"This archive is in backup format {found!r}; this version of Newsroom reads format {FORMAT_VERSION}. "
            "Restore it with the version of Newsroom that made it."
        )
    if not isinstance(manifest.get("objects"), dict) or not isinstance(manifest.get("migrations"), list):
        raise BackupError(f"{path}'s manifest.json is damaged: it lacks the row counts or the migrations.")
    return archive, manifest


def _check_target(manifest: dict, storage: Storage) -> None:
    if manifest["migrations"] != _migration_state():
        raise BackupError(
            "This backup was taken at a different database schema. Check out the matching version of "
            "Newsroom (or migrate this database to the same migrations) before restoring."
        )
    replaced = set(REPLACED_ON_RESTORE)
    occupied = [
        model._meta.label
        for model in copied_models()
        if model._meta.label_lower not in replaced and model._base_manager.exists()
    ]
    if occupied:
        raise BackupError(
            f"The database already has content ({', '.join(occupied)}): restore only into an empty, "
            "migrated database, e.g. a new one, so two newsrooms are never mixed."
        )
    try:
        folders, files = storage.listdir("")
    except FileNotFoundError:
        folders, files = [], []  # no media folder yet: empty
    if folders or files:
        where = _local_folder(storage, "") or f"storage {type(storage).__name__}"
        raise BackupError(f"The media folder ({where}) is not empty: restore into an empty one.")


def _restore(
    path: Path,
    archive: tarfile.TarFile,
    stream: gzip.GzipFile,
    manifest: dict,
    media: "_MediaWriter",
    progress: Progress,
) -> BackupReport:
    from articles.models import Article
    from articles.search import rebuild_search_index, uses_full_text

    report = BackupReport(path=path)
    connection = connections[DEFAULT_DB_ALIAS]
    tables = copied_models()
    # Natural keys are looked up through ContentType's cache, which may predate a recent migrate or flush.
    ContentType.objects.clear_cache()
    with transaction.atomic():
        for label in REPLACED_ON_RESTORE:
            apps.get_model(label)._base_manager.all().delete()
        loader = _DataLoader(connection, manifest["objects"], progress)
        member = loader.load(archive)
        report.objects = loader.check_counts()
        progress(f"  {sum(report.objects.values()):,} rows loaded; checking links")
        connection.check_constraints(table_names=[model._meta.db_table for model in tables])
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(sql)
        if uses_full_text(connection.alias):
            missing = Article.objects.filter(search_vector__isnull=True)
            if missing.exists():
                indexed = rebuild_search_index(missing, progress=_every(PROGRESS_EVERY, "search index", progress))
                progress(f"  search index: built for {indexed:,} stories the archive had none for")
        while member is not None:
            media.write(archive, member)
            member = archive.next()
        while stream.read(1024 * 1024):
            pass  # to the very end: gzip checks the whole archive's length and checksum there
        report.media_files = media.count
        progress(f"  media: {media.count:,} files")
    return report


class _DataLoader:
    """Reads the archive's data members and inserts their rows, table by table, batch by batch."""

    def __init__(self, connection, expected: dict[str, int], progress: Progress) -> None:
        self.connection, self.expected, self.progress = connection, expected, progress
        self.copied = {model._meta.label_lower: model for model in copied_models()}
        self.natural_pks = {
            model: {row.natural_key(): row.pk for row in rows} for model, rows in _rebuilt_rows().items()
        }
        self.counts: dict[str, int] = {}
        self.table: _TableLoader | None = None

    def load(self, archive: tarfile.TarFile) -> tarfile.TarInfo | None:
        """Load every data member; return the first member after them (or None at the end)."""
        try:
            member = self._load(archive)
        except BaseException as error:
            if self.table is not None:
                self.table.finish(error)
            raise
        self._finish_table()
        return member

    def _load(self, archive: tarfile.TarFile) -> tarfile.TarInfo | None:
        while (member := archive.next()) is not None and member.name.startswith("data/"):
            if not member.isfile():
                raise BackupError(f"The archive is damaged: {member.name} is not a file.")
            for number, line in enumerate(_lines(archive.extractfile(member)), start=1):
                try:
                    row = json.loads(line)  # bytes: UTF-8, as written
                    self._add(row)
                except (ValueError, KeyError, TypeError, ValidationError) as error:
                    raise BackupError(
                        f"The archive is damaged: line {number} of {member.name} cannot be read ({error!r}). "
                        "Nothing was restored."
                    ) from None
        return member

    def _add(self, row: dict) -> None:
        label = row["model"]
        if self.table is None or self.table.label != label:
            self._finish_table()
            model = self.copied.get(label)
            if model is None:
                raise BackupError(f"The archive holds rows of {label}, which this installation does not copy.")
            self.table = _TableLoader(model, self.connection, self.natural_pks)
        self.table.add(row)
        label, count = self.table.model._meta.label, self.table.count
        if count % PROGRESS_EVERY == 0 and count < self.expected.get(label, 0):
            self.progress(f"  {label}: {count:,} of {self.expected[label]:,}")

    def _finish_table(self) -> None:
        if self.table is not None:
            self.table.finish()
            label = self.table.model._meta.label
            self.counts[label] = self.counts.get(label, 0) + self.table.count
            self.progress(f"  {label}: {self.table.count:,}")
            self.table = None

    def check_counts(self) -> dict[str, int]:
        """Rows loaded per table, if they are what the manifest says; a short archive is refused."""
        expected = self.expected
        for label in sorted(set(expected) | set(self.counts)):
            if self.counts.get(label, 0) != expected.get(label, 0):
                raise BackupError(
                    f"The archive holds {self.counts.get(label, 0):,} rows of {label} where its manifest says "
                    f"{expected.get(label, 0):,}: it is truncated or damaged. Nothing was restored."
                )
        return {label: self.counts.get(label, 0) for label in expected}


def _lines(stream: io.BufferedReader) -> Iterator[bytes]:
    """The lines of a member, read a megabyte at a time: tar's stream reader copies its whole buffer per read."""
    rest = b""
    while chunk := stream.read(1024 * 1024):
        *lines, rest = (rest + chunk).split(b"\n")
        yield from lines
    if rest:
        yield rest


class _TableLoader:
    """One table's rows, converted from their JSON form and loaded in bulk.

    Values are converted as Django's deserializer converts them (``to_python``) and
    prepared as its INSERT prepares them (``get_db_prep_save``), but without model
    instances: a raw load must not run ``save()``, send signals or stamp ``auto_now``.
    On PostgreSQL the rows stream through one COPY per table, sent by a second thread
    while this one reads on (psycopg's queued writer). Elsewhere they go in batches of
    one prepared INSERT each.
    """

    def __init__(self, model: type[models.Model], connection, natural_pks: dict) -> None:
        self.model, self.connection = model, connection
        self.label = model._meta.label_lower
        self.fields = stored_fields(model)
        self.pk = model._meta.pk
        self.converters = [self._converter(model_field, natural_pks) for model_field in self.fields]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(model_field.column) for model_field in self.fields)
        self.count = 0
        self._batch: list[list] = []
        self._copy = None
        self._copying = contextlib.ExitStack()

    def _converter(self, model_field: models.Field, natural_pks: dict) -> Callable:
        pks = natural_pks.get(model_field.related_model) if model_field.is_relation else None
        if pks is not None:
            return lambda value: None if value is None else pks[tuple(value)]
        if isinstance(model_field, SearchVectorField) and self.connection.vendor != "postgresql":
            return lambda value: None  # only PostgreSQL stores search vectors
        return model_field.to_python

    def add(self, row: dict) -> None:
        values, connection = row["fields"], self.connection
        prepared = [
            model_field.get_db_prep_save(
                convert(row["pk"] if model_field is self.pk else values[model_field.name]), connection
            )
            for model_field, convert in zip(self.fields, self.converters, strict=True)
        ]
        self.count += 1
        if connection.vendor == "postgresql":
            if self._copy is None:
                cursor = self._copying.enter_context(connection.cursor()).cursor
                self._copy = self._copying.enter_context(
                    cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN", writer=QueuedLibpqWriter(cursor))
                )
            self._copy.write_row(prepared)
        else:
            self._batch.append(prepared)
            if len(self._batch) >= BATCH_SIZE:
                self._insert_batch()

    def finish(self, error: BaseException | None = None) -> None:
        """Send what is left; with ``error``, abandon the table's COPY instead (the transaction is lost anyway)."""
        if error is None:
            self._copying.close()
            self._insert_batch()
        else:
            self._copying.__exit__(type(error), error, error.__traceback__)

    def _insert_batch(self) -> None:
        if not self._batch:
            return
        placeholders = ", ".join(
            model_field.get_placeholder(None, None, self.connection)
            if hasattr(model_field, "get_placeholder")
            else "%s"
            for model_field in self.fields
        )
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})", self._batch)
        self._batch = []


class _MediaWriter:
    """Writes media members through the media storage, remembering every file it made so that it can be undone."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.made: list[str] = []  # names, in the order they were written
        self.count = 0

    def write(self, archive: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        relative = PurePosixPath(member.name)
        if relative.parts[:1] != ("media",) or relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"Refusing a file outside the media folder: {member.name}")
        if member.isdir():
            return
        if not member.isfile():
            raise BackupError(f"Refusing {member.name}: only plain files belong in the media folder.")
        name = PurePosixPath(*relative.parts[1:]).as_posix()
        # The archive is read as a stream, which storages cannot seek in: each file goes through a
        # buffer (in memory up to a few megabytes, on disk beyond), so memory stays flat.
        with (
            archive.extractfile(member) as source,
            tempfile.SpooledTemporaryFile(max_size=MEMBER_BYTES) as buffer,
        ):
            shutil.copyfileobj(source, buffer, 1024 * 1024)
            buffer.seek(0)
            saved = self.storage.save(name, File(buffer, name=name))
        self.made.append(saved)
        if saved != name:
            raise BackupError(f"{name} appeared in the media storage during the restore (someone else is writing).")
        if (local := _local_folder(self.storage, saved)) is not None:
            os.utime(local, (member.mtime, member.mtime))
        self.count += 1

    def remove_all(self) -> None:
        for name in reversed(self.made):
            try:
                self.storage.delete(name)
            except Exception:
                # Carry on with the rest; the error that stopped the restore is the one to report.
                logger.exception("Could not remove %s from the media storage after a failed restore.", name)
        root = _local_folder(self.storage, "")
        if root is not None:  # the folders the files were written into, if now empty
            for name in reversed(self.made):
                for folder in _local_folder(self.storage, name).parents:
                    if folder == root or root not in folder.parents:
                        break
                    with contextlib.suppress(OSError):
                        folder.rmdir()
        self.made = []


def _every(step: int, label: str, progress: Progress) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` that reports once ``step`` more are done."""
    reported = 0

    def report(done: int, total: int) -> None:
        nonlocal reported
        if done - reported >= step:
            reported = done
            progress(f"  {label}: {done:,} of {total:,}")

    return report


def _explain(error: BaseException, path: Path) -> BackupError | None:
    """What went wrong during a restore, for the operator (None: not ours to explain)."""
    if isinstance(error, BackupError):
        return error
    nothing = "Nothing was restored: the database and the media folder are as they were."
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return BackupError(f"The disk is full: no space left to write the media files. {nothing} Free some space.")
    if isinstance(error, tarfile.TarError | EOFError | zlib.error | gzip.BadGzipFile):
        return BackupError(f"{path} is truncated or damaged ({error}). {nothing}")
    if isinstance(error, DatabaseError | psycopg.Error):  # COPY talks to psycopg directly
        return BackupError(f"The backup's rows do not load into this database ({error}). {nothing}")
    if isinstance(error, OSError):
        return BackupError(f"Could not read {path} or write the media files ({error}). {nothing}")
    if _from_object_storage(error):
        return BackupError(f"The media storage refused the files or could not be reached ({error}). {nothing}")
    return None


def _from_object_storage(error: BaseException) -> bool:
    """An error of boto3, which a bucket's storage raises (unreachable, denied), told apart without importing it."""
    return type(error).__module__.split(".")[0] in {"botocore", "boto3", "s3transfer"}
