"""Uploaded images are decoded and checked before they are stored."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from images.uploads import MAX_UPLOAD_BYTES, RandomImagePath, validate_image_file
from tests.factories import image_file


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_allowed_formats_pass(image_format):
    validate_image_file(image_file(size=(20, 20), image_format=image_format))


def _refusal(upload) -> str:
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload)
    return error.value.messages[0]


def test_a_non_image_renamed_jpg_is_refused():
    assert "not a readable JPEG" in _refusal(SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image"))


def test_a_truncated_image_is_refused():
    data = image_file(size=(400, 400)).read()
    assert "not a readable JPEG" in _refusal(SimpleUploadedFile("x.jpg", data[: len(data) // 2]))


def test_other_image_formats_are_refused():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    assert "this file is BMP" in _refusal(SimpleUploadedFile("x.bmp", buffer.getvalue()))


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    assert "not a readable JPEG" in _refusal(SimpleUploadedFile("x.svg", svg))


def test_too_many_pixels_is_refused_without_decoding():
    buffer = BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")  # 48 megapixels, a few KB on disk
    assert "the limit is 40 megapixels" in _refusal(SimpleUploadedFile("x.png", buffer.getvalue()))


def test_a_file_over_the_size_limit_is_refused_before_decoding(monkeypatch):
    def must_not_decode(*args, **kwargs):
        raise AssertionError("decoded before the size check")

    monkeypatch.setattr("images.uploads.Image.open", must_not_decode)
    upload = image_file()
    upload.size = MAX_UPLOAD_BYTES + 1
    assert "the limit is 10 MB" in _refusal(upload)


def test_random_image_path_hides_the_original_name():
    path = RandomImagePath("stories")(None, "Minister resigns - EMBARGOED.JPEG")
    assert path.startswith("stories/") and path.endswith(".jpg") and "Minister" not in path


def test_an_upload_is_checked_once_though_the_form_and_the_model_both_ask(monkeypatch):
    from django.db.models.fields.files import FieldFile
    from PIL import Image as PillowImage

    from articles.models import Article

    upload = image_file(size=(400, 300))
    opened = []
    real_open = PillowImage.open
    monkeypatch.setattr(PillowImage, "open", lambda *args, **kwargs: opened.append(1) or real_open(*args, **kwargs))
    validate_image_file(upload)  # the form field
    as_field_value = FieldFile(Article(), Article._meta.get_field("social_image"), upload.name)
    as_field_value.file = upload
    validate_image_file(as_field_value)  # the model field, with the same upload inside
    assert len(opened) == 1
