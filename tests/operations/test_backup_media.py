"""Backup and restore of media on both media storages: local disk, and a bucket of an S3 API (``media_storage``).

The archive is the same either way: media is listed, read and written through Django's storage API.
"""

import tarfile
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article
from authors.models import Author
from images import renditions
from tests.factories import AuthorFactory, ImageFactory, image_file
from tests.helpers.images import story_with
from tests.helpers.object_storage import use_bucket
from tests.helpers.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(media_storage, world, committed, tmp_path):
    """A backup of a newsroom with pictures and their renditions, then the newsroom and its media emptied."""
    story_with(image_file("harbour.jpg", size=(700, 500)), committed, section=world)
    with committed():
        AuthorFactory(photo=ImageFactory(file=image_file("face.png", image_format="PNG")))
    media = media_storage.files()
    path = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert f"media: {len(media)} files" in out.getvalue()
    # Inside a test's transaction, PostgreSQL truncates only once pending foreign key checks have run.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    media_storage.empty()
    return path, media


def test_media_round_trips_through_backup_and_restore(archive, media_storage):
    path, media = archive
    # Two originals; 160 to 700 wide and 64 wide, in WebP and JPEG; three focal-point crops of each.
    assert len(media) == 2 + 8 + 2 + 6
    with tarfile.open(path) as members:
        assert {member.name.removeprefix("media/") for member in members if member.name.startswith("media/")} == set(
            media
        )
    out = StringIO()
    call_command("restore", str(path), stdout=out)
    assert f"media: {len(media)} files" in out.getvalue()
    assert media_storage.files() == media  # every file, byte for byte
    assert Article.objects.get().lead_picture.file.name in media
    assert Author.objects.get(photo__isnull=False).photo.file.name in media


def test_a_restore_that_fails_in_the_media_leaves_the_storage_empty(archive, media_storage):
    path, _ = archive
    content = path.read_bytes()
    cut = path.with_name("cut.tar.gz")
    cut.write_bytes(content[: int(len(content) * 0.9)])  # the pictures come after the data
    with pytest.raises(CommandError, match="truncated or damaged"):
        call_command("restore", str(cut), stdout=StringIO())
    assert media_storage.files() == {} and not Article.objects.exists()


def test_restore_refuses_a_media_storage_with_files(archive, media_storage):
    path, _ = archive
    default_storage.save("notes.txt", ContentFile(b"someone else's"))
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(path), stdout=StringIO())
    assert list(media_storage.files()) == ["notes.txt"] and not Article.objects.exists()


def test_an_unreachable_bucket_fails_the_backup_with_a_clear_message(s3_endpoint, settings, world, tmp_path):
    use_bucket(settings, s3_endpoint)
    settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{free_port()}"  # nobody there
    settings.STORAGES = {**settings.STORAGES}  # tells Django the storages changed
    target = tmp_path / "backup.tar.gz"
    with pytest.raises(CommandError, match=r"The media storage could not be read .*check the bucket's address"):
        call_command("backup", str(target), stdout=StringIO())
    assert list(tmp_path.iterdir()) == []  # no archive, nor a partial one


def test_renditions_tidied_away_during_the_backup_are_left_out(media_storage, world, committed, tmp_path, monkeypatch):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    replaced = renditions.folder(story.lead_picture.file.name)
    default_storage._setup()
    storage = default_storage._wrapped
    listdir = storage.listdir

    def tidied_meanwhile(name: str):
        if name == replaced:  # the image was replaced after its parent folder was listed
            monkeypatch.setattr(storage, "listdir", listdir)
            renditions.delete_renditions(storage, story.lead_picture.file.name)
        return listdir(name)

    monkeypatch.setattr(storage, "listdir", tidied_meanwhile)
    out = StringIO()
    call_command("backup", str(tmp_path / "backup.tar.gz"), stdout=out)
    assert "media: 1 files" in out.getvalue()  # the original, which is kept
