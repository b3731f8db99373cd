"""The data migration moving authors' own photos into the media library (authors 0004), and its way back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("authors", "0003_library_photo"), ("media_library", "0001_initial")]
MOVED = [("authors", "0004_photos_into_library")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_state(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())  # leave the database as every other test expects it


def author(apps, n, **fields):
    return apps.get_model("authors", "Author").objects.create(
        **{"name": f"Writer {n}", "slug": f"writer-{n}", **fields}
    )


def test_photos_become_library_pictures_with_the_same_files_and_come_back(old_state):
    size = dict(photo_width=480, photo_height=600)
    lena = author(old_state, 1, name="Lena Hoffmann", photo="authors/2026/lena.jpg", **size)
    twin = author(old_state, 2, photo="authors/2026/lena.jpg", **size)  # the same stored file
    omar = author(old_state, 3, name="Omar Haddad", photo="authors/2026/omar.png", photo_width=300, photo_height=300)
    none = author(old_state, 4)
    Image = old_state.get_model("media_library", "Image")
    already = Image.objects.create(file="authors/2026/omar.png", width=300, height=300, alt_text="Omar at his desk")

    apps = migrate(MOVED)
    Author = apps.get_model("authors", "Author")
    Image = apps.get_model("media_library", "Image")
    assert Image.objects.count() == 2  # one per distinct file, and the file already there reused
    portrait = Image.objects.get(file="authors/2026/lena.jpg")
    assert (portrait.alt_text, portrait.caption, portrait.credit, portrait.licence) == (
        "Portrait of Lena Hoffmann",
        "Lena Hoffmann",
        "",
        "staff",
    )
    assert (portrait.width, portrait.height) == (480, 600)
    authors = {a.pk: a for a in Author.objects.all()}
    assert authors[lena.pk].library_photo_id == authors[twin.pk].library_photo_id == portrait.pk
    assert authors[omar.pk].library_photo_id == already.pk
    assert authors[none.pk].library_photo_id is None

    apps = migrate(latest())  # the own fields go; the library picture is the photo
    Author = apps.get_model("authors", "Author")
    assert Author.objects.get(pk=lena.pk).photo.file.name == "authors/2026/lena.jpg"

    apps = migrate(BEFORE)  # all the way back: each author's own photo again, the same file, nothing lost
    authors = {a.pk: a for a in apps.get_model("authors", "Author").objects.all()}
    assert (authors[lena.pk].photo.name, authors[lena.pk].photo_width, authors[lena.pk].photo_height) == (
        "authors/2026/lena.jpg",
        480,
        600,
    )
    assert authors[omar.pk].photo.name == "authors/2026/omar.png"
    assert authors[none.pk].photo.name == ""
    assert not any(a.library_photo_id for a in authors.values())
    assert apps.get_model("media_library", "Image").objects.count() == 2
