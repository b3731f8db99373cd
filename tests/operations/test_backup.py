"""Backup and restore: a newsroom that has been through the real admin comes back identical.

Longer than 500 lines: one archive format, tested in both directions (round trip, snapshot,
refusals, damage, full disk) around the one newsroom fixture that went through the admin.
"""

import errno
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.test.utils import CaptureQueriesContext, isolate_apps

from articles.demo import SAMPLE_STORY
from articles.models import Article, Revision, Section
from authors.models import Author
from operations import backup
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, SourceFactory, image_file

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
# Rebuilt by `migrate` in every database, with ids of its own: compared by natural key.
REBUILT = (ContentType, Permission)


def installed_tables() -> list[type[models.Model]]:
    """Every table of every installed app, many-to-many link tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model not in REBUILT
        and model._meta.label_lower not in backup.NOT_COPIED  # the caches' state, not content
    ]


def everything() -> dict[str, list[dict]]:
    """Every row of every table, as stored, with links to rebuilt rows given by natural key."""
    natural = {
        model: {row.pk: row.natural_key() for row in model._base_manager.all()} for model in REBUILT
    }  # fmt: skip
    rows = {}
    for model in installed_tables():
        rebuilt_links = {
            field.attname: natural[field.related_model]
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in natural
        }
        table = []
        for row in model._base_manager.order_by("pk").values():
            table.append({name: rebuilt_links[name][value] if name in rebuilt_links else value
                          for name, value in row.items()})  # fmt: skip
        rows[model._meta.label] = table
    return rows


def media_files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def empty_the_newsroom() -> None:
    """What a new machine has: a freshly migrated database (flush runs migrate's hooks) and no media."""
    # Inside a test's transaction, PostgreSQL truncates only once pending foreign key checks have run.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    root = Path(settings.MEDIA_ROOT)
    for path in sorted(root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def log_in(client, username: str) -> None:
    """Through the admin's own login form, as a person would (django-axes records it)."""
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    if response["Location"] == "/admin/two-factor/code/":  # an editor: the code from their app
        from django.contrib.auth import get_user_model

        from tests.helpers.two_factor import current_code

        code = current_code(get_user_model().objects.get(username=username))
        response = client.post("/admin/two-factor/code/", {"code": code})
        assert response["Location"] == "/admin/", response.content.decode()


def without_the_restore_entry(rows: dict) -> dict:
    """Every row, less the restore's own audit entry, the one row a restore adds (the backup's own entry
    comes after its snapshot)."""
    restored = [row for row in rows["audit.AuditEntry"] if row["event"] == "restore"]
    assert len(restored) == 1
    rows["audit.AuditEntry"].remove(restored[0])
    return rows


def story_form(**fields) -> dict:
    data = {
        "kicker": "", "title": "", "slug": "", "standfirst": "", "body": "", "section": "", "tags": "",
        "bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0", "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(fields)
    return data


def library_picture(client, upload, alt_text: str):
    """A picture uploaded to the media library through its admin page, as staff do."""
    response = client.post(
        "/admin/media_library/image/add/",
        {"file": upload, "alt_text": alt_text, "licence": "staff", "focal_x": 0.5, "focal_y": 0.5},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return apps.get_model("media_library", "Image").objects.get(alt_text=alt_text)


@pytest.fixture
def used_newsroom(client, journalist, editor):
    """A newsroom as its staff leave it: every record the admin writes, made through the admin."""
    # Sections where the parent is newer than its subsection (a self-reference pointing forward).
    log_in(client, "editor")
    client.post("/admin/articles/section/add/", {"name": "Europe", "slug": "europe", "position": 1})
    client.post("/admin/articles/section/add/", {"name": "World", "slug": "world", "position": 0})
    europe, world = Section.objects.get(slug="europe"), Section.objects.get(slug="world")
    response = client.post(
        f"/admin/articles/section/{europe.pk}/change/",
        {"name": "Europe", "slug": "europe", "position": 1, "parent": world.pk},
    )
    assert response.status_code == 302 and Section.objects.get(slug="europe").parent == world
    client.post("/admin/articles/source/add/", {"name": "Meridian Wire", "slug": "meridian-wire", "kind": "wire"})
    face = library_picture(client, image_file("face.png", image_format="PNG"), "Portrait of Priya Raman")
    client.post(
        f"/admin/authors/author/{editor.author.pk}/change/",
        {"name": "Priya Raman", "slug": "editor", "role": "Editor", "bio": "", "is_active": "on",
         "photo": face.pk, "user": editor.pk},
    )  # fmt: skip
    client.logout()

    # A journalist files a story with a picture and submits it.
    log_in(client, "journalist")
    harbour = library_picture(client, image_file("harbour.jpg", size=(400, 300)), "Cranes at dawn")
    response = client.post(
        "/admin/articles/article/add/",
        story_form(
            title="Harbour reopens", slug="harbour-reopens", body="The harbour reopened.", section=europe.pk,
            tags="Ports, Україна", lead_picture=harbour.pk, _workflow="submit", note="Filed from the quay.",
        ),
    )  # fmt: skip
    story = Article.objects.get(slug="harbour-reopens")
    assert response["Location"] == f"/admin/articles/article/{story.pk}/change/"  # saved and submitted at once
    client.logout()

    # The editor edits it, publishes it, corrects it and shows it to a lawyer.
    log_in(client, "editor")
    sources = list(apps.get_model("articles", "Source").objects.values_list("pk", flat=True))
    client.post(
        f"/admin/articles/article/{story.pk}/change/",
        story_form(
            title="Harbour reopens after storm", slug="harbour-reopens", body="The harbour reopened on Monday.",
            section=europe.pk, tags="Ports, Україна", lead_picture=harbour.pk, sources=sources,
            opened_version=Article.objects.get(pk=story.pk).version,
        ),
    )  # fmt: skip
    client.post(f"/admin/articles/article/{story.pk}/workflow/publish/", {"note": "Good to go."})
    client.post(f"/admin/articles/article/{story.pk}/workflow/correct/", {"kind": "correction", "note": "Monday."})
    response = client.post(
        f"/admin/articles/article/{story.pk}/workflow/preview_link/", {"label": "Lawyer", "hours": 48}, follow=True
    )
    preview = re.search(r"<code>https?://[^/]+(/preview/[^<]+)</code>", response.content.decode()).group(1)
    client.post(
        "/admin/articles/article/import/",
        {"files": [SimpleUploadedFile(SAMPLE_STORY.name, SAMPLE_STORY.read_bytes())], "section": world.pk,
         "format": "auto"},
    )  # fmt: skip
    client.logout()
    assert client.get(preview).status_code == 200  # the lawyer opens it

    log_in(client, "editor")  # a session stays open
    # Someone elsewhere mistypes a password: django-axes keeps the attempt.
    client.post("/admin/login/", {"username": "journalist", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    story.refresh_from_db()
    return story


@pytest.mark.django_db(transaction=True)  # renditions are made when the save commits
def test_the_used_newsroom_has_every_record_the_admin_writes(used_newsroom):
    counts = {model._meta.label: model._base_manager.count() for model in installed_tables()}
    for label in [
        "admin.LogEntry", "articles.Revision", "articles.Transition", "articles.Correction", "articles.PreviewLink",
        "articles.PreviewLinkUse", "articles.ImportedItem", "articles.Byline", "articles.TaggedArticle",
        "articles.Article_sources", "taggit.Tag", "auth.User_groups", "auth.Group_permissions", "sessions.Session",
        "axes.AccessLog", "axes.AccessAttempt",
    ]:  # fmt: skip
        assert counts[label], label
    assert Article.objects.get(pk=used_newsroom.pk).status == Article.Status.PUBLISHED
    assert used_newsroom.lead_picture and used_newsroom.revisions.count() == 2
    assert Author.objects.filter(photo__isnull=False).exists()
    assert any(name.startswith("renditions/") for name in media_files())
    assert any(name.startswith("media/") for name in media_files())


@pytest.mark.django_db(transaction=True)  # the test empties the database with `flush`, as on a new machine
def test_a_newsroom_used_through_the_admin_round_trips_identically(used_newsroom, tmp_path):
    before, media_before = everything(), media_files()
    archive = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backed up" in out.getvalue() and archive.exists()

    empty_the_newsroom()
    assert everything() != before and not media_files()

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Restored" in out.getvalue()
    after = without_the_restore_entry(everything())
    for label, rows in before.items():
        assert after[label] == rows, label
    assert media_files() == media_before


def test_every_table_of_every_app_is_copied_after_the_tables_it_refers_to():
    order = backup.copied_models()
    assert set(order) == set(installed_tables())  # axes, taggit, sessions, link tables: every one
    position = {model: index for index, model in enumerate(order)}
    for model in order:
        for model_field in model._meta.local_concrete_fields:
            target = model_field.related_model._meta.concrete_model if model_field.is_relation else None
            if target in position and target is not model:
                assert position[target] < position[model], f"{model._meta.label}.{model_field.name}"
    assert position[get_user_model()] < position[LogEntry]  # the order that broke restores


@isolate_apps("articles")
def test_a_cycle_between_tables_is_broken_rather_than_refused():
    class Desk(models.Model):  # noqa: DJ008 - a table, never shown
        chief = models.ForeignKey("Reporter", null=True, on_delete=models.SET_NULL, related_name="+")

        class Meta:
            app_label = "articles"

    class Reporter(models.Model):  # noqa: DJ008
        desk = models.ForeignKey(Desk, on_delete=models.CASCADE)

        class Meta:
            app_label = "articles"

    class Beat(models.Model):  # noqa: DJ008
        reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE)

        class Meta:
            app_label = "articles"

    order = backup.dependency_order([Beat, Reporter, Desk])
    assert sorted(order, key=str) == sorted([Beat, Reporter, Desk], key=str)
    assert order.index(Reporter) < order.index(Beat)


# --- A snapshot while editors work ------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time and the backup's transaction holds that lock: an editor's save "
    "waits until the rows are read, so the backup is a snapshot already",
)
@pytest.mark.django_db(transaction=True)
def test_a_story_moved_to_a_new_section_while_the_backup_runs_leaves_it_restorable(world, tmp_path):
    story = ArticleFactory(title="Harbour reopens", section=world, tags=["Ports"])
    before = everything()

    def an_editor_moves_the_story() -> None:
        try:  # from a connection of its own, committing at once, as another request would
            culture = Section.objects.create(name="Culture", slug="culture")
            Article.objects.filter(pk=story.pk).update(section=culture)
            ArticleFactory(title="Filed meanwhile", section=culture)
        finally:
            connection.close()

    def progress(message: str) -> None:
        if "articles.Section" in message:  # sections are copied; the stories are not yet
            editor = threading.Thread(target=an_editor_moves_the_story)
            editor.start()
            editor.join()

    archive = tmp_path / "backup.tar.gz"
    backup.create_backup(archive, progress=progress)
    assert Article.objects.get(pk=story.pk).section.slug == "culture"  # the editor's commit went through

    empty_the_newsroom()
    call_command("restore", str(archive), stdout=StringIO())
    assert without_the_restore_entry(everything()) == before  # the newsroom as it was when the backup began


# --- Linear: keyset reads, bulk loads, no per-row work ----------------------------------------


def a_newsroom_of(stories: int, section: Section) -> None:
    source = SourceFactory()
    for story in ArticleFactory.create_batch(stories, section=section, tags=["Ports"], sources=[source]):
        Revision.objects.create(article=story, number=1, content={"title": story.title})


def test_a_backup_reads_each_table_by_primary_key_a_batch_at_a_time(world, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "BATCH_SIZE", 4)
    a_newsroom_of(10, world)
    with CaptureQueriesContext(connection) as queries:
        backup.create_backup(tmp_path / "backup.tar.gz")
    sql = [query["sql"] for query in queries]
    assert not [statement for statement in sql if "OFFSET" in statement.upper()]
    reads = [statement for statement in sql if statement.startswith('SELECT "articles_article"."id"')]
    assert len(reads) == 4  # 10 stories: 4 + 4 + 2, then an empty batch
    assert all('"articles_article"."id" >' in statement for statement in reads[1:])


def test_backup_and_restore_run_the_same_queries_for_ten_stories_or_thirty(world, tmp_path):
    """No query per row: the count grows with tables (and batches of a thousand rows), never with rows."""
    counts = {}
    for stories in (10, 30):
        Article.objects.all().delete()
        a_newsroom_of(stories, world)
        archive = tmp_path / f"backup-{stories}.tar.gz"
        with CaptureQueriesContext(connection) as backing_up:
            backup.create_backup(archive)
        empty_the_newsroom()
        with CaptureQueriesContext(connection) as restoring:
            backup.restore_backup(archive)
        counts[stories] = (len(backing_up), len(restoring))
        world = Section.objects.get(slug="world")
    assert counts[10] == counts[30]


def test_a_restore_saves_no_model_instance_and_sends_no_signal(world, tmp_path):
    a_newsroom_of(5, world)
    archive = tmp_path / "backup.tar.gz"
    backup.create_backup(archive)
    empty_the_newsroom()
    sent = []

    def receiver(sender, **kwargs) -> None:
        sent.append(sender)

    for signal in (pre_save, post_save, m2m_changed):
        signal.connect(receiver, weak=False, dispatch_uid="test_backup")
    try:
        backup.restore_backup(archive)
    finally:
        for signal in (pre_save, post_save, m2m_changed):
            signal.disconnect(dispatch_uid="test_backup")
    assert Article.objects.count() == 5 and sent == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL stores search vectors")
def test_raw_saves_queue_no_search_index_work(story, django_capture_on_commit_callbacks):
    """`loaddata` (and any raw load) saves with raw=True: the loader rebuilds the index once, at the end."""
    from articles.search import refresh_search_vectors

    rows = serializers.serialize("json", [story, *story.bylines.all(), *story.tagged_items.all()])
    with django_capture_on_commit_callbacks() as callbacks:
        for row in serializers.deserialize("json", rows):
            row.save()  # save_base(raw=True), as loaddata does
    assert not [callback for callback in callbacks if getattr(callback, "func", None) is refresh_search_vectors]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL stores search vectors")
def test_a_restore_builds_the_search_vectors_an_archive_lacks(world, tmp_path):
    story = ArticleFactory(title="Comet sighted over the harbour", section=world)
    assert Article.objects.filter(pk=story.pk, search_vector=None).exists()  # never committed: never indexed
    archive = tmp_path / "backup.tar.gz"
    backup.create_backup(archive)
    empty_the_newsroom()
    backup.restore_backup(archive)
    assert Article.objects.filter(search_vector="comet").get().pk == story.pk


# --- All or nothing -----------------------------------------------------------------------------


@pytest.fixture
def archive(world, tmp_path) -> Path:
    """A backup of a small newsroom with pictures, and the newsroom emptied, ready to restore it."""
    ArticleFactory(
        section=world, lead_picture=ImageFactory(file=image_file("harbour.jpg"), alt_text="Cranes"), tags=["Ports"]
    )
    AuthorFactory(photo=ImageFactory(file=image_file("face.png", image_format="PNG")))
    a_newsroom_of(3, world)
    path = tmp_path / "backup.tar.gz"
    backup.create_backup(path)
    empty_the_newsroom()
    return path


def nothing_was_restored() -> bool:
    copied = [model for model in backup.copied_models() if model._meta.label_lower not in backup.REPLACED_ON_RESTORE]
    return not any(model._base_manager.exists() for model in copied) and not media_files()


def rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with each member passed through ``change(name, bytes)`` (None drops it)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            content = change(member.name, source.extractfile(member).read())
            if content is not None:
                member.size = len(content)
                copy.addfile(member, io.BytesIO(content))
    return target


def test_a_newsroom_with_pictures_round_trips(archive):
    call_command("restore", str(archive), stdout=StringIO())
    assert Article.objects.count() == 4 and len(media_files()) == 2


@pytest.mark.parametrize("where", ["in the data", "in the media", "in gzip's last bytes"])
def test_a_truncated_archive_is_refused_and_restores_nothing(archive, tmp_path, where):
    content = archive.read_bytes()
    # The pictures make up most of the archive, and come after the data.
    fraction = {"in the data": 0.3, "in the media": 0.9}.get(where)
    cut = archive.with_name("cut.tar.gz")
    cut.write_bytes(content[: int(len(content) * fraction)] if fraction else content[:-4])
    with pytest.raises(CommandError, match="truncated or damaged"):
        call_command("restore", str(cut), stdout=StringIO())
    assert nothing_was_restored()


def test_an_archive_with_fewer_rows_than_its_manifest_says_is_refused(archive, tmp_path):
    def drop_a_story(name: str, content: bytes) -> bytes:
        lines = content.splitlines(keepends=True)
        stories = [line for line in lines if line.startswith(b'{"model":"articles.article",')]
        return b"".join(line for line in lines if not stories or line is not stories[0])

    short = rewritten(archive, tmp_path / "short.tar.gz", drop_a_story)
    with pytest.raises(CommandError, match=r"holds 3 rows of articles\.Article where its manifest says 4"):
        call_command("restore", str(short), stdout=StringIO())
    assert nothing_was_restored()


def test_an_archive_without_a_manifest_is_refused(archive, tmp_path):
    headless = rewritten(
        archive, tmp_path / "headless.tar.gz", lambda name, content: None if name == "manifest.json" else content
    )
    with pytest.raises(CommandError, match=r"does not start with a manifest\.json"):
        call_command("restore", str(headless), stdout=StringIO())
    assert nothing_was_restored()


def test_a_damaged_row_is_refused_with_where_it_is(archive, tmp_path):
    def damage(name: str, content: bytes) -> bytes:
        return content.replace(b'{"model":"articles.section"', b'{"model":"articles.section"!', 1)

    damaged = rewritten(archive, tmp_path / "damaged.tar.gz", damage)
    with pytest.raises(CommandError, match=r"line \d+ of data/000001.jsonl cannot be read"):
        call_command("restore", str(damaged), stdout=StringIO())
    assert nothing_was_restored()


def test_a_value_the_database_refuses_restores_nothing(archive, tmp_path):
    def negative(name: str, content: bytes) -> bytes:  # a section's position must be 0 or more
        return re.sub(rb'("model":"articles\.section".*?"position":)\d+', rb"\g<1>-1", content, count=1)

    damaged = rewritten(archive, tmp_path / "negative.tar.gz", negative)
    with pytest.raises(CommandError, match="rows do not load into this database"):
        call_command("restore", str(damaged), stdout=StringIO())
    assert nothing_was_restored()


def test_an_archive_in_another_format_is_refused(archive, tmp_path):
    def older(name: str, content: bytes) -> bytes:
        return json.dumps({**json.loads(content), "format": 1}).encode() if name == "manifest.json" else content

    with pytest.raises(CommandError, match="backup format 1; this version of Newsroom reads format 2"):
        call_command("restore", str(rewritten(archive, tmp_path / "old.tar.gz", older)), stdout=StringIO())


def test_a_full_disk_while_restoring_the_media_restores_nothing(archive, monkeypatch):
    copy = shutil.copyfileobj
    copied = []

    def fill_the_disk(source, target, length=0) -> None:
        if copied:
            raise OSError(errno.ENOSPC, "No space left on device")
        copied.append(copy(source, target, length))

    monkeypatch.setattr(shutil, "copyfileobj", fill_the_disk)
    with pytest.raises(CommandError, match="The disk is full"):
        call_command("restore", str(archive), stdout=StringIO())
    assert copied and nothing_was_restored()  # the first file was written, then removed


def test_a_full_disk_while_backing_up_leaves_no_archive(world, tmp_path, monkeypatch):
    a_newsroom_of(3, world)
    add = tarfile.TarFile.addfile
    added = []

    def fill_the_disk(self, tarinfo, fileobj=None) -> None:
        if added:
            raise OSError(errno.ENOSPC, "No space left on device")
        added.append(add(self, tarinfo, fileobj))

    monkeypatch.setattr(tarfile.TarFile, "addfile", fill_the_disk)
    target = tmp_path / "backups" / "newsroom.tar.gz"
    with pytest.raises(CommandError, match=r"The disk is full: no space left to write .*newsroom.tar.gz"):
        call_command("backup", str(target), stdout=StringIO())
    assert added and list(target.parent.iterdir()) == []  # nor a half-written one under another name


def test_restore_refuses_a_database_with_content(archive):
    SectionFactory(name="Sport", slug="sport")
    with pytest.raises(CommandError, match=r"already has content \(articles.Section\)"):
        call_command("restore", str(archive), stdout=StringIO())


def test_restore_refuses_a_media_folder_with_files(archive, settings):
    Path(settings.MEDIA_ROOT).mkdir(exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "notes.txt").write_text("someone else's")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), stdout=StringIO())
    assert not Article.objects.exists()


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a newsroom backup"):
        call_command("restore", str(not_a_backup), stdout=StringIO())
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=StringIO())


def test_restore_refuses_paths_that_escape_the_media_folder(archive, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(evil, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        payload = tmp_path / "payload"
        payload.write_text("x")
        target.add(payload, arcname="media/../../outside.txt")
    with pytest.raises(CommandError, match="outside the media folder"):
        call_command("restore", str(evil), stdout=StringIO())
    assert not (tmp_path / "outside.txt").exists() and nothing_was_restored()


def test_backup_never_overwrites_an_existing_archive(db, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=StringIO())
    assert archive.read_text() == "an older backup"


# --- The README's commands, as written ----------------------------------------------------------

PROJECT = Path(__file__).resolve().parents[2]


def run(*command: str, env: dict | None = None, cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def table_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.fullmatch(r"  \w+\.\w+: [\d,]+", line)]


@pytest.mark.slow  # the README's commands, each a process of its own
@pytest.mark.django_db(transaction=True)  # the commands run in other processes, on databases of their own
def test_the_readmes_backup_restore_and_check_run_as_written(tmp_path):
    """README › Operations › Backups: back up while the site runs, restore and check on a scratch database,
    and on PostgreSQL the same with pg_dump, pg_restore and rsync."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        config = connection.settings_dict
        server = ["--host", config["HOST"] or "127.0.0.1", "--username", config["USER"] or "postgres"]
        base = f"postgres://{config['USER'] or 'postgres'}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
        names = {"newsroom": f"{config['NAME']}_drill", "newsroom_check": f"{config['NAME']}_drill_check"}
        urls = {label: f"{base}/{name}" for label, name in names.items()}
        for name in names.values():
            run("dropdb", *server, "--if-exists", name, cwd=tmp_path)
        run("createdb", *server, names["newsroom"], cwd=tmp_path)
    else:
        urls = {label: f"sqlite:///{tmp_path / label}.sqlite3" for label in ("newsroom", "newsroom_check")}
    manage = [sys.executable, str(PROJECT / "manage.py")]
    site = {**os.environ, "DATABASE_URL": urls["newsroom"], "MEDIA_ROOT": str(tmp_path / "media")}
    run(*manage, "migrate", env=site, cwd=tmp_path)
    run(*manage, "generate_newsroom", "--stories", "30", "--authors", "5", "--tags", "20", env=site, cwd=tmp_path)
    picture = tmp_path / "media" / "stories" / "2026" / "harbour.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(image_file("harbour.jpg").read())

    backed_up = run(*manage, "backup", "backups/newsroom.tar.gz", env=site, cwd=tmp_path)
    # The README's check, with a scratch media folder inside the test's own.
    check = {**os.environ, "DATABASE_URL": urls["newsroom_check"], "MEDIA_ROOT": str(tmp_path / "newsroom-check-media")}
    if postgres:
        run("createdb", *server, names["newsroom_check"], cwd=tmp_path)
    run(*manage, "migrate", env=check, cwd=tmp_path)
    restored = run(*manage, "restore", "backups/newsroom.tar.gz", env=check, cwd=tmp_path)
    assert table_lines(restored) == table_lines(backed_up) and "Restored" in restored
    assert (tmp_path / "newsroom-check-media" / "stories" / "2026" / "harbour.jpg").read_bytes() == picture.read_bytes()
    if not postgres:
        return

    run("dropdb", *server, names["newsroom_check"], cwd=tmp_path)
    run("pg_dump", "--format=custom", "--file=backups/newsroom.dump", urls["newsroom"], cwd=tmp_path)
    run("rsync", "-a", f"{site['MEDIA_ROOT']}/", "backups/media/", cwd=tmp_path)
    run("createdb", *server, names["newsroom_check"], cwd=tmp_path)
    run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={urls['newsroom_check']}", "backups/newsroom.dump",
        cwd=tmp_path)  # fmt: skip
    count = ["psql", "--tuples-only", "--no-align", "-c", "SELECT count(*) FROM articles_article"]
    assert run(*count, urls["newsroom_check"], cwd=tmp_path) == run(*count, urls["newsroom"], cwd=tmp_path)
    for name in names.values():
        run("dropdb", *server, name, cwd=tmp_path)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="moves a newsroom from SQLite to PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_newsroom_moves_from_sqlite_to_postgresql(tmp_path):
    sqlite = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "m")}
    manage = [sys.executable, str(PROJECT / "manage.py")]
    run(*manage, "migrate", env=sqlite, cwd=tmp_path)
    run(*manage, "generate_newsroom", "--stories", "12", "--authors", "3", "--tags", "5", env=sqlite, cwd=tmp_path)
    run(*manage, "backup", "dev.tar.gz", env=sqlite, cwd=tmp_path)
    empty_the_newsroom()

    call_command("restore", str(tmp_path / "dev.tar.gz"), stdout=StringIO())
    assert Article.objects.count() == 12
    assert not Article.objects.filter(search_vector=None).exists()  # SQLite stores none: built on the way in
