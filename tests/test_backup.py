"""Backup and restore: a populated newsroom comes back identical, stories, revisions, images and all."""

import hashlib
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command

from articles import previews, revisions, workflow
from newsroom.backup import ExactJSONEncoder, _models_to_copy
from tests.factories import ArticleFactory, AuthorFactory, image_file

pytestmark = pytest.mark.django_db


def everything() -> dict:
    """Every row of every copied model, as natural-key JSON with times to the microsecond."""
    return {
        model._meta.label: serializers.serialize(
            "json",
            model._default_manager.order_by("pk"),
            cls=ExactJSONEncoder,
            use_natural_foreign_keys=True,
            indent=None,
        )
        for model in _models_to_copy()
    }


def media_files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def newsroom(world, journalist, editor):
    call_command("load_demo", "--accounts", verbosity=0)
    story = ArticleFactory(
        title="Backed-up story", section=world, created_by=journalist, authors=[journalist.author],
        tags=["NATO", "Україна"], lead_image=image_file("lead.jpg"), lead_image_alt="A harbour", draft=True,
    )  # fmt: skip
    AuthorFactory(name="Photo Author", photo=image_file("face.png", image_format="PNG"))
    revisions.record_revision(story, journalist)
    workflow.submit(story, journalist, note="Filed")
    story.refresh_from_db()
    story.body = "Second version."
    story.save()
    revisions.record_revision(story, editor)
    workflow.publish(story, editor)
    workflow.add_correction(story, editor, kind="correction", note="Fixed a name.")
    previews.create_link(story, editor, label="Lawyer")
    return story


@pytest.mark.django_db(transaction=True)  # the test empties the database with `flush`, as on a new machine
def test_a_populated_newsroom_round_trips_identically(newsroom, tmp_path):
    before, media_before = everything(), media_files()
    assert media_before  # images were stored
    archive = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backed up" in out.getvalue() and archive.exists()

    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.rmdir()
    assert everything() != before

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Restored" in out.getvalue()
    after = everything()
    for label, rows in before.items():
        assert after[label] == rows, label
    assert media_files() == media_before


def test_restore_refuses_a_database_with_content(newsroom, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(archive), stdout=StringIO())


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a newsroom backup"):
        call_command("restore", str(not_a_backup), stdout=StringIO())
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=StringIO())


def test_restore_refuses_paths_that_escape_the_media_folder(db, tmp_path):
    archive = tmp_path / "evil.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    evil = tmp_path / "evil2.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(evil, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        payload = tmp_path / "payload"
        payload.write_text("x")
        target.add(payload, arcname="media/../../outside.txt")
    with pytest.raises(CommandError, match="outside the media folder"):
        call_command("restore", str(evil), stdout=StringIO())
    assert not (tmp_path / "outside.txt").exists()


def test_backup_never_overwrites_an_existing_archive(db, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=StringIO())
    assert archive.read_text() == "an older backup"
