"""The library's picture: what it must say about itself, and the queries the library page filters by."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from media_library.models import Image, Licence
from tests.factories import ImageFactory, image_file

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def test_alt_text_is_required_by_the_form_rules_and_by_the_database():
    image = Image(file=image_file(), alt_text="")
    with pytest.raises(ValidationError) as refused:
        image.full_clean()
    assert "alt_text" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.create(file=image_file(), alt_text="")


@pytest.mark.parametrize(("x", "y"), [(-0.1, 0.5), (0.5, 1.01)])
def test_the_focal_point_stays_inside_the_picture(x, y):
    image = Image(file=image_file(), alt_text="A square", focal_x=x, focal_y=y)
    with pytest.raises(ValidationError):
        image.full_clean(exclude=["file"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.create(file=image_file(), alt_text="A square", focal_x=x, focal_y=y)


def test_a_new_picture_is_focused_on_its_centre_and_knows_its_upright_size():
    image = ImageFactory(file=image_file(size=(300, 200)))
    assert image.focal_point == (0.5, 0.5)
    assert (image.width, image.height, image.orientation) == (300, 200, "landscape")
    assert image.file.name.startswith("media/") and "photo" not in image.file.name


def test_the_thumbnail_is_the_smallest_jpeg_rendition():
    image = ImageFactory(file=image_file(size=(2000, 1000)))
    assert image.thumbnail_url().endswith("/160w.jpg")


def test_licence_expiry_is_the_last_day_a_picture_may_be_shown():
    lapsed = ImageFactory(licence=Licence.LICENSED, licence_expires=TODAY - datetime.timedelta(days=1))
    last_day = ImageFactory(licence=Licence.LICENSED, licence_expires=TODAY)
    open_ended = ImageFactory()
    assert lapsed.licence_expired(on=TODAY) and not last_day.licence_expired(on=TODAY)
    assert not open_ended.licence_expired(on=TODAY)
    assert list(Image.objects.expired(on=TODAY)) == [lapsed]
    assert set(Image.objects.usable(on=TODAY)) == {last_day, open_ended}


def test_orientation_filters_use_the_stored_size():
    wide = ImageFactory(file=image_file(size=(300, 200)))
    tall = ImageFactory(file=image_file(size=(200, 300)))
    square = ImageFactory(file=image_file(size=(200, 200)))
    assert list(Image.objects.oriented("landscape")) == [wide]
    assert list(Image.objects.oriented("portrait")) == [tall]
    assert list(Image.objects.oriented("square")) == [square]
    assert {tall.orientation, square.orientation} == {"portrait", "square"}


def test_search_matches_alt_text_caption_credit_and_tags_with_every_word():
    by_alt = ImageFactory(alt_text="Ferries at the harbour", caption="", credit="")
    by_caption = ImageFactory(alt_text="Smoke", caption="The harbour fire on Monday", credit="")
    by_credit = ImageFactory(alt_text="A crane", caption="", credit="Olena Harbour / Agency")
    by_tag = ImageFactory(alt_text="Boats", caption="", credit="", tags=["Harbour"])
    ImageFactory(alt_text="Parliament", caption="A vote", credit="Staff")
    assert set(Image.objects.matching("harbour")) == {by_alt, by_caption, by_credit, by_tag}
    assert list(Image.objects.matching("harbour fire")) == [by_caption]


def test_journalists_and_editors_may_use_the_library_and_only_editors_delete():
    journalist = set(Group.objects.get(name="Journalist").permissions.filter(content_type__app_label="media_library"))
    editor = set(Group.objects.get(name="Editor").permissions.filter(content_type__app_label="media_library"))
    assert {p.codename for p in journalist} == {"add_image", "change_image", "view_image"}
    assert {p.codename for p in editor} == {"add_image", "change_image", "delete_image", "view_image"}


def test_the_crops_as_json_ld_image_objects_carry_caption_credit_and_copyright():
    image = ImageFactory(
        file=image_file(size=(2000, 1500)), caption="Ferries", credit="Jane Roe / Agency", copyright_holder=""
    )
    objects = image.image_objects(lambda path: f"https://example.org{path}")
    assert [(found["width"], found["height"]) for found in objects] == [(1200, 675), (1200, 900), (1200, 1200)]
    assert objects[0] == {
        "@type": "ImageObject",
        "url": f"https://example.org{image.crop_urls()[0]}",
        "width": 1200,
        "height": 675,
        "caption": "Ferries",
        "creditText": "Jane Roe / Agency",
    }


def test_the_library_permissions_survive_a_flush_which_removes_the_groups():
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what flush does last
    journalist = Group.objects.get(name="Journalist").permissions.filter(content_type__app_label="media_library")
    assert {p.codename for p in journalist} == {"add_image", "change_image", "view_image"}
    assert Group.objects.get(name="Journalist").permissions.filter(codename="add_article").exists()
