"""Hostile uploads through the story form: each refused with a clear message, never a 500, nothing stored."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from images.uploads import MAX_UPLOAD_BYTES, is_only_a_picture
from tests.factories import ArticleFactory, image_file
from tests.helpers.forms import change_form_data, story_form

pytestmark = pytest.mark.django_db


def jpeg_bytes(size=(64, 48)) -> bytes:
    return image_file(size=size).read()


def bomb() -> bytes:
    # 20,000 × 20,000 pixels of one colour: a few hundred KB compressed, 1.2 GB decoded.
    buffer = BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


HOSTILE = {
    "decompression bomb": (lambda: SimpleUploadedFile("huge.png", bomb()), "the limit of 40 megapixels"),
    "over the size limit": (
        lambda: SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * (MAX_UPLOAD_BYTES + 1)),
        "the limit is 10 MB",
    ),
    "truncated image": (lambda: SimpleUploadedFile("cut.jpg", jpeg_bytes((400, 300))[:1500]), "not a readable"),
    "not an image, renamed .jpg": (
        lambda: SimpleUploadedFile("report.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>"),
        "not a readable",
    ),
    "SVG": (
        lambda: SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        "not a readable",
    ),
    "polyglot: image with HTML after it": (
        lambda: SimpleUploadedFile("photo.jpg", jpeg_bytes() + b"<html><script>alert(1)</script></html>"),
        "holds more than a picture",
    ),
    "polyglot: GIF that is also script": (
        lambda: SimpleUploadedFile("x.gif", b"GIF89a/*" + gif_body() + b"*/=1;alert(1);<script>"),
        "",
    ),
}


def gif_body() -> bytes:
    buffer = BytesIO()
    Image.new("P", (8, 8)).save(buffer, "GIF")
    return buffer.getvalue()[6:]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_upload_is_refused_with_a_clear_message(client, editor, world, author, case):
    make_file, message = HOSTILE[case]
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/add/",
        story_form(world, author, social_image=make_file(), social_image_alt="A picture"),
    )
    assert response.status_code == 200, case
    errors = response.context["adminform"].form.errors
    assert "social_image" in errors, (case, errors)
    assert message in " ".join(errors["social_image"]), (case, errors["social_image"])
    assert not Article.objects.exists()


def test_a_clean_image_is_accepted(client, editor, world, author):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/add/",
        story_form(world, author, social_image=image_file(), social_image_alt="A picture"),
    )
    assert response.status_code == 302
    assert Article.objects.get().social_image


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_well_formed_pictures_are_only_pictures(image_format):
    data = image_file(image_format=image_format).read()
    assert is_only_a_picture(data, image_format)
    assert not is_only_a_picture(data + b"<script>alert(1)</script>", image_format)
    assert not is_only_a_picture(data + b"trailing bytes", image_format)


def test_editing_a_story_that_has_a_social_image_saves_and_keeps_it(client, editor, world):
    """The stored picture is not an upload to check again (this was a 500 before)."""
    story = ArticleFactory(section=world, social_image=image_file(), social_image_alt="A picture")
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{story.pk}/change/",
        change_form_data(story, title="New headline", social_image_alt="A picture"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Article.objects.get(pk=story.pk)
    assert saved.title == "New headline" and saved.social_image.name == story.social_image.name
