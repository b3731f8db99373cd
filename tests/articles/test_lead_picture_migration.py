"""The data migration moving stories' own lead images into the media library (articles 0013)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0012_lead_picture"), ("media_library", "0001_initial")]
AFTER = [("articles", "0013_lead_pictures_into_library")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_state(transactional_db, django_user_model):
    apps = migrate(BEFORE)
    yield apps
    # Leave the database as every other test expects it: fully migrated.
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def story(apps, section, n, **fields):
    Article = apps.get_model("articles", "Article")
    return Article.objects.create(title=f"Story {n}", slug=f"story-{n}", section=section, **fields)


def test_lead_images_become_library_pictures_with_the_same_files(old_state):
    User = old_state.get_model("auth", "User")
    Section = old_state.get_model("articles", "Section")
    writer = User.objects.create(username="writer")
    section = Section.objects.create(name="News", slug="news")
    shown = dict(lead_image_width=800, lead_image_height=600, created_by=writer)
    first = story(
        old_state,
        section,
        1,
        lead_image="stories/ab/one.jpg",
        lead_image_alt="A harbour at dawn",
        lead_image_caption="Boats leave",
        lead_image_credit="Photo: Jane Roe",
        **shown,
    )
    second = story(old_state, section, 2, lead_image="stories/ab/one.jpg", lead_image_alt="The harbour", **shown)
    other = story(old_state, section, 3, lead_image="stories/cd/two.png", lead_image_alt="A bridge", **shown)
    bare = story(old_state, section, 4)

    apps = migrate(AFTER)
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("media_library", "Image")

    assert Image.objects.count() == 2  # the shared file gives one library picture, not two
    harbour = Image.objects.get(file="stories/ab/one.jpg")
    assert (harbour.alt_text, harbour.caption, harbour.credit) == (
        "A harbour at dawn",
        "Boats leave",
        "Photo: Jane Roe",
    )
    assert (harbour.width, harbour.height, harbour.licence, harbour.uploaded_by_id) == (800, 600, "staff", writer.pk)
    stories = {a.pk: a for a in Article.objects.all()}
    assert stories[first.pk].lead_picture_id == stories[second.pk].lead_picture_id == harbour.pk
    assert stories[other.pk].lead_picture.file.name == "stories/cd/two.png"
    assert stories[bare.pk].lead_picture_id is None
    # The story's own fields stay as they were while both exist.
    assert stories[second.pk].lead_image_alt == "The harbour"

    apps = migrate(BEFORE)  # reversing unlinks and keeps the library's rows
    assert not apps.get_model("articles", "Article").objects.filter(lead_picture__isnull=False).exists()
    assert apps.get_model("media_library", "Image").objects.count() == 2


def test_a_file_already_in_the_library_is_reused(old_state):
    Section = old_state.get_model("articles", "Section")
    Image = old_state.get_model("media_library", "Image")
    already = Image.objects.create(file="stories/ab/one.jpg", width=10, height=10, alt_text="Kept as it is")
    story(
        old_state,
        Section.objects.create(name="News", slug="news"),
        1,
        lead_image="stories/ab/one.jpg",
        lead_image_alt="Something else",
        lead_image_width=10,
        lead_image_height=10,
    )

    apps = migrate(AFTER)

    assert apps.get_model("media_library", "Image").objects.get().pk == already.pk
    assert apps.get_model("articles", "Article").objects.get().lead_picture_id == already.pk


def test_removing_the_own_fields_reverses_without_loss(transactional_db):
    """0015 drops ``lead_image*``; going back to 0012 gives each story its own lead image again, same file."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    apps = migrate(latest)
    User = apps.get_model("auth", "User")
    Section = apps.get_model("articles", "Section")
    Image = apps.get_model("media_library", "Image")
    picture = Image.objects.create(
        file="media/2026/harbour.jpg", width=800, height=600, alt_text="A harbour", caption="Dawn", credit="Jane Roe"
    )
    section = Section.objects.create(name="News", slug="news")
    writer = User.objects.create(username="writer")
    led = story(apps, section, 1, lead_picture=picture, created_by=writer)
    bare = story(apps, section, 2)

    try:
        apps = migrate(BEFORE)
        stories = {a.pk: a for a in apps.get_model("articles", "Article").objects.all()}
        back = stories[led.pk]
        assert back.lead_picture_id is None  # 0013's reverse unlinked it, once 0015's gave the file back
        assert (back.lead_image.name, back.lead_image_width, back.lead_image_height) == (
            "media/2026/harbour.jpg",
            800,
            600,
        )
        assert (back.lead_image_alt, back.lead_image_caption, back.lead_image_credit) == (
            "A harbour",
            "Dawn",
            "Jane Roe",
        )
        assert stories[bare.pk].lead_image.name == ""

        apps = migrate([*AFTER, ("articles", "0015_remove_own_lead_images")])  # and forwards again: the same picture
        assert apps.get_model("articles", "Article").objects.get(pk=led.pk).lead_picture_id == picture.pk
        assert apps.get_model("media_library", "Image").objects.count() == 1
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
