"""Backup and restore of a whole newsroom: database content and uploaded media, in one archive.

The archive is a ``.tar.gz`` holding ``manifest.json`` (what is inside, and the
migrations it was taken at), ``data.jsonl`` (Django's line-by-line JSON
serialization, streamed both ways so a large archive never has to fit in
memory) and ``media/`` (every uploaded file and rendition).

Restoring goes into an empty database (migrated to the same point) and an
empty media folder, so it can never mix two newsrooms.
"""

import datetime
import io
import json
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
# Rebuilt by `migrate` (or meaningless elsewhere): never copied between installations.
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Content that must be absent before a restore.
CONTENT_MODELS = ["articles.article", "articles.section", "authors.author", "articles.source", "taggit.tag"]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times with every microsecond: Django's encoder cuts them to milliseconds, a backup must not."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why."""


@dataclass
class BackupReport:
    path: Path
    objects: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    seconds: float = 0.0


def _models_to_copy() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS and not model._meta.proxy and model._meta.managed
    ]


def _migration_state() -> list[list[str]]:
    applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    return sorted([app, name] for app, name in applied)


def create_backup(path: Path, *, progress: Callable[[str], None] = lambda message: None) -> BackupReport:
    started = time.monotonic()
    report = BackupReport(path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workspace, transaction.atomic():
        # One transaction: a consistent snapshot even while editors keep working.
        data_file = Path(workspace) / "data.jsonl"
        with data_file.open("w", encoding="utf-8") as stream:
            for model in _models_to_copy():
                queryset = model._default_manager.order_by("pk")
                count = 0
                for chunk_start in range(0, queryset.count(), 2000):
                    objects = list(queryset[chunk_start : chunk_start + 2000])
                    serializers.serialize(
                        "jsonl",
                        objects,
                        stream=stream,
                        cls=ExactJSONEncoder,
                        use_natural_foreign_keys=True,
                        use_natural_primary_keys=False,
                    )
                    count += len(objects)
                report.objects[model._meta.label] = count
                if count:
                    progress(f"  {model._meta.label}: {count:,}")
        media_root = Path(settings.MEDIA_ROOT)
        media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        manifest = {
            "format": FORMAT_VERSION,
            "site": settings.SITE_NAME,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "migrations": _migration_state(),
            "objects": report.objects,
            "media_files": len(media),
        }
        with tarfile.open(path, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(data_file, arcname="data.jsonl")
            for file in media:
                archive.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}")
        report.media_files = len(media)
        progress(f"  media: {len(media):,} files")
    report.seconds = time.monotonic() - started
    return report


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(content))


def restore_backup(path: Path, *, progress: Callable[[str], None] = lambda message: None) -> BackupReport:
    """Load ``path`` into an empty, migrated database and an empty media folder."""
    started = time.monotonic()
    report = BackupReport(path=path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a newsroom backup (a .tar.gz made by `backup`): {error}") from None
    with archive, tempfile.TemporaryDirectory() as workspace:
        manifest = _read_manifest(archive)
        if manifest["migrations"] != _migration_state():
            raise BackupError(
                "This backup was taken at a different database schema. Check out the matching version of "
                "Newsroom (or migrate this database to the same migrations) before restoring."
            )
        occupied = [label for label in CONTENT_MODELS if apps.get_model(label).objects.exists()]
        if occupied:
            raise BackupError(
                f"The database already has content ({', '.join(occupied)}): restore only into an empty, "
                "migrated database, e.g. a new one, so two newsrooms are never mixed."
            )
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists() and any(media_root.iterdir()):
            raise BackupError(f"The media folder {media_root} is not empty: restore into an empty one.")

        data_file = Path(workspace) / "data.jsonl"
        with archive.extractfile(_member(archive, "data.jsonl")) as source, data_file.open("wb") as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
        # Natural keys are looked up through ContentType's cache, which may predate a recent migrate or flush.
        ContentType.objects.clear_cache()
        with transaction.atomic():
            # Roles created by migrations are replaced by the backed-up ones, with their ids.
            apps.get_model("auth", "Group").objects.all().delete()
            call_command("loaddata", str(data_file), verbosity=0)
        report.objects = manifest["objects"]
        progress(f"  {sum(report.objects.values()):,} objects loaded")

        media_members = [m for m in archive.getmembers() if m.name.startswith("media/") and m.isfile()]
        for member in media_members:
            relative = PurePosixPath(member.name).relative_to("media")
            if relative.is_absolute() or ".." in relative.parts:
                raise BackupError(f"Refusing a file outside the media folder: {member.name}")
            target = media_root / Path(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as stream:
                while chunk := source.read(1024 * 1024):
                    stream.write(chunk)
        report.media_files = len(media_members)
        progress(f"  media: {len(media_members):,} files")
    report.seconds = time.monotonic() - started
    return report


def _member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    try:
        return archive.getmember(name)
    except KeyError:
        raise BackupError(f"The archive has no {name}: it is not a newsroom backup.") from None


def _read_manifest(archive: tarfile.TarFile) -> dict:
    with archive.extractfile(_member(archive, "manifest.json")) as stream:
        try:
            manifest = json.load(stream)
        except ValueError:
            raise BackupError("The archive's manifest.json is damaged.") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this version reads {FORMAT_VERSION}.")
    return manifest
