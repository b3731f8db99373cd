"""The library in the admin: its page of pictures, a picture's page, batch upload and the chooser."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from media_library.models import Image, Licence
from tests.factories import ImageFactory, image_file, staff_user

pytestmark = pytest.mark.django_db

LIBRARY = "/admin/media_library/image/"


@pytest.fixture
def journalist_client(client, journalist):
    client.force_login(journalist)
    return client


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


# --- The library page ----------------------------------------------------------------------


def test_the_library_shows_thumbnails_from_the_smallest_rendition(journalist_client, journalist):
    image = ImageFactory(file=image_file(size=(1000, 500)), uploaded_by=journalist)
    page = journalist_client.get(LIBRARY).content.decode()
    assert image.thumbnail_url() in page and image.thumbnail_url().endswith("/160w.jpg")
    assert image.alt_text in page
    assert "Upload several pictures" in page


def test_an_expired_licence_is_marked_in_words(journalist_client):
    ImageFactory(alt_text="Lapsed", licence=Licence.LICENSED, licence_expires=yesterday())
    ImageFactory(alt_text="Fine", licence=Licence.LICENSED, licence_expires=timezone.localdate())
    page = journalist_client.get(LIBRARY).content.decode()
    assert page.count("⚠ Expired") == 1
    assert f"⚠ Expired {yesterday().isoformat()}" in page


def test_the_library_page_costs_the_same_queries_for_3_or_30_pictures(
    journalist_client, journalist, editor, django_assert_max_num_queries
):
    for number in range(3):
        ImageFactory(uploaded_by=journalist if number % 2 else editor, tags=["Harbour"])
    with django_assert_max_num_queries(14) as few:
        assert journalist_client.get(LIBRARY).status_code == 200
    for number in range(27):
        ImageFactory(uploaded_by=journalist if number % 2 else editor, tags=["Harbour"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert journalist_client.get(LIBRARY).status_code == 200


def test_search_finds_by_tag_and_credit(journalist_client):
    ImageFactory(alt_text="Boats at dawn", tags=["Harbour"], credit="")
    ImageFactory(alt_text="A crane", credit="Olena Harbour")
    ImageFactory(alt_text="Parliament", credit="Staff")
    page = journalist_client.get(LIBRARY, {"q": "harbour"}).content.decode()
    assert "Boats at dawn" in page and "A crane" in page and "Parliament" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"orientation": "portrait"}, "Tall", "Wide"),
        ({"orientation": "landscape"}, "Wide", "Tall"),
        ({"licence_state": "expired"}, "Tall", "Wide"),
        ({"licence__exact": "agency"}, "Wide", "Tall"),
    ],
)
def test_filters(journalist_client, query, shown, hidden):
    ImageFactory(alt_text="Wide", file=image_file(size=(300, 200)), licence=Licence.AGENCY)
    ImageFactory(
        alt_text="Tall", file=image_file(size=(200, 300)), licence=Licence.LICENSED, licence_expires=yesterday()
    )
    page = journalist_client.get(LIBRARY, query).content.decode()
    assert f">{shown}<" in page and f">{hidden}<" not in page


def test_filter_by_uploader(journalist_client, journalist, editor):
    ImageFactory(alt_text="Mine", uploaded_by=journalist)
    ImageFactory(alt_text="Theirs", uploaded_by=editor)
    page = journalist_client.get(LIBRARY, {"uploaded_by__id__exact": journalist.pk}).content.decode()
    assert ">Mine<" in page and ">Theirs<" not in page


# --- A picture's page ----------------------------------------------------------------------


def test_the_picture_page_offers_clicking_and_typing_the_focal_point(journalist_client):
    image = ImageFactory(file=image_file(size=(1200, 800)))
    page = journalist_client.get(f"{LIBRARY}{image.pk}/change/").content.decode()
    assert "data-focal-point" in page and image.rendition_url(960) in page
    assert 'id="id_focal_x"' in page and 'id="id_focal_y"' in page
    assert "media_library/focal-point.js" in page


def test_saving_the_picture_page_moves_the_focal_point(journalist_client):
    image = ImageFactory()
    response = journalist_client.post(
        f"{LIBRARY}{image.pk}/change/",
        {
            "alt_text": image.alt_text,
            "caption": "",
            "credit": "Me",
            "copyright_holder": "",
            "licence": Licence.STAFF,
            "usage_terms": "",
            "source_url": "",
            "licence_expires": "",
            "tags": "",
            "focal_x": "0.25",
            "focal_y": "0.8",
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.focal_point == (0.25, 0.8)


def test_a_picture_added_on_its_own_page_records_its_uploader(journalist_client, journalist):
    response = journalist_client.post(
        f"{LIBRARY}add/",
        {
            "file": image_file(),
            "alt_text": "A red square",
            "licence": Licence.STAFF,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    assert Image.objects.get().uploaded_by == journalist


# --- Uploading several pictures --------------------------------------------------------------


def test_the_upload_page_asks_for_several_files(journalist_client):
    page = journalist_client.get(reverse("admin:media_library_image_upload")).content.decode()
    assert 'type="file"' in page and "multiple" in page and "media_library/upload.js" in page


def post_file(client, upload, alt_text="A red square", **fields):
    return client.post(
        reverse("admin:media_library_image_upload_file"),
        {"file": upload, "alt_text": alt_text, "licence": Licence.AGENCY, "credit": "Agency", **fields},
    )


def test_each_file_uploaded_becomes_a_picture_with_its_alt_text_and_uploader(journalist_client, journalist):
    response = post_file(journalist_client, image_file("one.jpg", size=(400, 300)), caption="The first")
    assert response.status_code == 201
    image = Image.objects.get()
    assert (image.alt_text, image.caption, image.credit, image.licence) == (
        "A red square",
        "The first",
        "Agency",
        "agency",
    )
    assert image.uploaded_by == journalist
    assert response.json() == {
        "id": image.pk,
        "alt_text": "A red square",
        "caption": "The first",
        "credit": "Agency",
        "width": 400,
        "height": 300,
        "thumbnail": image.thumbnail_url(),
        "change_url": f"{LIBRARY}{image.pk}/change/",
    }


def test_a_file_without_alt_text_is_refused_with_a_clear_error(journalist_client):
    response = post_file(journalist_client, image_file(), alt_text="  ")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "alt_text", "label": "Alt text", "message": "This field is required."}
    ]
    assert not Image.objects.exists()


def test_a_bad_file_gets_its_own_error_and_the_others_are_kept(journalist_client):
    assert post_file(journalist_client, image_file("good.jpg")).status_code == 201
    bad = post_file(journalist_client, SimpleUploadedFile("notes.jpg", b"not a picture at all", "image/jpeg"))
    assert post_file(journalist_client, image_file("also-good.png", image_format="PNG")).status_code == 201
    assert bad.status_code == 400
    (error,) = bad.json()["errors"]
    assert error["field"] == "file" and error["label"] == "File" and error["message"]
    assert Image.objects.count() == 2


def test_uploading_takes_the_add_permission(client, db):
    client.force_login(staff_user("visitor", None))
    assert post_file(client, image_file()).status_code == 403
    assert client.get(reverse("admin:media_library_image_upload")).status_code == 403
    assert not Image.objects.exists()


def test_the_upload_endpoint_only_takes_posts(journalist_client):
    assert journalist_client.get(reverse("admin:media_library_image_upload_file")).status_code == 405


def test_the_picture_page_shows_its_three_crops_as_saved(journalist_client, committed):
    with committed():
        image = ImageFactory(file=image_file(size=(1600, 1200)), focal_x=0.2)
    page = journalist_client.get(f"{LIBRARY}{image.pk}/change/").content.decode()
    for crop, label in zip(image.crops(), ("16:9, 1200 × 675", "4:3, 1200 × 900", "1:1, 1200 × 1200"), strict=True):
        assert crop.name in page and label in page


def test_the_library_is_on_the_admin_index_for_journalists(journalist_client):
    page = journalist_client.get("/admin/").content.decode()
    assert "Media library" in page and LIBRARY in page


def test_journalists_may_not_delete_pictures_and_editors_may(journalist_client, client, editor):
    image = ImageFactory()
    assert journalist_client.get(f"{LIBRARY}{image.pk}/delete/").status_code == 403
    client.force_login(editor)
    assert client.post(f"{LIBRARY}{image.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Image.objects.exists()
