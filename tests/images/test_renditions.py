"""Renditions: resized WebP and JPEG copies of uploads, made once after commit, without metadata."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import ExifTags, Image, ImageOps, JpegImagePlugin

from articles.models import Article
from images import renditions
from images.renditions import WIDTHS, ensure_renditions, sizes
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    animated_gif,
    camera_photo,
    image_file,
    transparent_png,
)
from tests.helpers.images import rendition_files, story_with

pytestmark = pytest.mark.django_db


def opened(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as file:
        image = Image.open(BytesIO(file.read()))
        image.load()
        return image


# --- Which renditions ------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "expected_widths"),
    [
        (4000, [160, 320, 640, 960, 1280, 1600]),  # never wider than the largest
        (1600, [160, 320, 640, 960, 1280, 1600]),  # its own width, once
        (1000, [160, 320, 640, 960, 1000]),  # never upscaled: its own width is the largest
        (320, [160, 320]),
        (100, [100]),
    ],
)
def test_widths_are_capped_at_the_original_width(width, expected_widths):
    planned = sizes(width, width // 2)
    assert [w for w, _ in planned] == expected_widths
    assert all(h == round(w / 2) for w, h in planned)


def test_names_derive_from_the_original_name_only():
    planned = renditions.renditions("stories/2025/Ab12-_x.jpg", 700, 350, "webp")
    assert [r.name for r in planned] == [
        "renditions/stories/2025/Ab12-_x/160w.webp",
        "renditions/stories/2025/Ab12-_x/320w.webp",
        "renditions/stories/2025/Ab12-_x/640w.webp",
        "renditions/stories/2025/Ab12-_x/700w.webp",
    ]


# --- Making them -----------------------------------------------------------


def test_saving_a_story_makes_webp_and_jpeg_renditions_at_each_width(world, committed):
    story = story_with(image_file(size=(2000, 1000)), committed, section=world)
    name = story.lead_picture.file.name
    assert rendition_files(name) == sorted(f"{w}w.{ext}" for w in WIDTHS for ext in ("jpg", "webp"))
    for width in WIDTHS:
        webp, jpeg = (opened(f"{renditions.folder(name)}/{width}w.{ext}") for ext in ("webp", "jpg"))
        assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
        assert webp.size == jpeg.size == (width, width // 2)


def test_an_author_photo_gets_renditions_too(committed):
    with committed():
        author = AuthorFactory(photo=ImageFactory(file=image_file(size=(500, 600))))
    assert author.photo.file.name.startswith("media/")  # a library picture like any other
    assert rendition_files(author.photo.file.name) == sorted(
        f"{w}w.{ext}" for w in (160, 320, 500) for ext in ("jpg", "webp")
    )


def test_nothing_is_made_before_the_transaction_commits_nor_after_a_rollback(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        picture = ImageFactory(file=image_file(size=(800, 600)))
        raise RuntimeError("the editor's save fails later on")
    assert rendition_files(picture.file.name) == []


def only_orientation_left(image: Image.Image) -> bool:
    """Whether ``image`` carries nothing but (at most) its EXIF orientation."""
    exif = image.getexif()
    return set(exif) <= {ExifTags.Base.Orientation} and not exif.get_ifd(ExifTags.IFD.GPSInfo)


def test_exif_orientation_is_applied_to_the_stored_size_and_every_rendition(world, committed):
    story = story_with(camera_photo(size=(1200, 800), orientation=6), committed, section=world)
    # The width and height readers see, though the original keeps its pixels as encoded (sideways)
    # with only its orientation, which browsers apply.
    assert (story.lead_picture.width, story.lead_picture.height) == (800, 1200)
    original = opened(story.lead_picture.file.name)
    assert ImageOps.exif_transpose(original).size == (800, 1200)
    assert original.getexif() == {ExifTags.Base.Orientation: 6}
    assert rendition_files(story.lead_picture.file.name) == sorted(
        f"{w}w.{ext}" for w in (160, 320, 640, 800) for ext in ("jpg", "webp")
    )
    for filename in rendition_files(story.lead_picture.file.name):
        image = opened(f"{renditions.folder(story.lead_picture.file.name)}/{filename}").convert("RGB")
        assert not image.getexif(), filename
        width = int(filename.split("w.")[0])
        assert image.size == (width, width * 3 // 2)
        red, _, blue = image.getpixel((width // 2, width // 10))  # the top: the photo's left half
        assert red > 150 and blue < 100, filename


def test_a_photo_converted_to_srgb_is_stored_upright_without_any_metadata(world, committed):
    # A wide-gamut profile must be converted, so the pixels are decoded and encoded upright.
    story = story_with(camera_photo(size=(1200, 800), orientation=6, profile="LAB"), committed, section=world)
    original = opened(story.lead_picture.file.name)
    assert original.size == (story.lead_picture.width, story.lead_picture.height) == (800, 1200)
    assert not original.getexif()
    assert "icc_profile" not in original.info


def test_no_metadata_survives_in_the_original_or_any_rendition(world, committed):
    story = story_with(camera_photo(), committed, section=world)
    original = story.lead_picture.file.name
    files = rendition_files(original, crops=True)
    names = [original] + [f"{renditions.folder(original)}/{filename}" for filename in files]
    assert len(names) == 12  # 8 renditions, 3 focal-point crops
    for name in names:
        image = opened(name)
        assert only_orientation_left(image), (name, dict(image.getexif()))
        assert not {"xmp", "icc_profile", "comment", "photoshop"} & image.info.keys(), (name, image.info)
        with default_storage.open(name, "rb") as file:
            data = file.read()
        for secret in (b"Secret Lane", b"PhoneMaker", b"Pocket 12", b"xmpmeta", b"ICC_PROFILE"):
            assert secret not in data, (name, secret)


def test_a_cleaned_jpeg_keeps_its_quality(world, committed):
    upload = camera_photo(orientation=1)
    before = Image.open(BytesIO(upload.read()))
    upload.seek(0)
    story = story_with(upload, committed, section=world)
    after = opened(story.lead_picture.file.name)
    # Encoded again with the upload's own tables: no harsher (or bloated) compression.
    assert after.quantization == before.quantization
    assert max(abs(a - b) for a, b in zip(after.getpixel((10, 10)), before.getpixel((10, 10)), strict=True)) <= 2


def test_transparency_is_kept_in_webp_and_flattened_on_white_in_jpeg(world, committed):
    story = story_with(transparent_png(), committed, section=world)
    folder = renditions.folder(story.lead_picture.file.name)
    webp, jpeg = opened(f"{folder}/320w.webp"), opened(f"{folder}/320w.jpg")
    assert webp.mode == "RGBA" and webp.getpixel((10, 10))[3] == 0
    assert jpeg.mode == "RGB" and all(channel > 245 for channel in jpeg.getpixel((10, 10)))
    assert jpeg.getpixel((300, 100))[1] > 120  # the green half stays green


def test_an_animated_gif_gives_still_renditions_of_its_first_frame(world, committed):
    story = story_with(animated_gif(), committed, section=world)
    webp = opened(f"{renditions.folder(story.lead_picture.file.name)}/300w.webp")
    assert not getattr(webp, "is_animated", False)
    red, green, _ = webp.convert("RGB").getpixel((150, 100))
    assert red > 180 and green < 40


def test_a_16_bit_grey_png_keeps_its_tones(world, committed):
    buffer = BytesIO()
    Image.new("I;16", (200, 100), 32768).save(buffer, "PNG")
    story = story_with(SimpleUploadedFile("figure.png", buffer.getvalue()), committed, section=world)
    jpeg = opened(f"{renditions.folder(story.lead_picture.file.name)}/200w.jpg")
    assert all(120 <= channel <= 136 for channel in jpeg.getpixel((100, 50)))  # mid-grey, not white


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(world, committed, monkeypatch):
    requested = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def recording_draft(self, mode, size):
        result = real_draft(self, mode, size)
        requested.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", recording_draft)
    story_with(image_file(size=(6400, 3200)), committed, section=world)
    assert requested == [(1600, 800)]  # a quarter scale still covers the 1600 rendition


# --- Once, and tidied ------------------------------------------------------


def test_renditions_are_made_once_and_reused(world, committed, monkeypatch):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    written = []
    monkeypatch.setattr(renditions, "_write", lambda storage, rendition, resized: written.append(rendition.name))

    with committed():
        story.title = "A new headline"
        story.save()
    assert ensure_renditions(default_storage, story.lead_picture.file.name) == 0
    assert written == []


def test_replacing_an_image_deletes_the_old_renditions_but_keeps_the_original(world, committed):
    picture = story_with(image_file(size=(700, 500)), committed, section=world).lead_picture
    old = picture.file.name
    with committed():
        picture.file = image_file(size=(500, 300))
        picture.save()
    assert picture.file.name != old
    assert rendition_files(old) == []
    assert not Path(default_storage.path(renditions.folder(old))).exists()
    assert default_storage.exists(old)  # originals stay (revisions may point to them)
    assert "500w.webp" in rendition_files(picture.file.name)


def test_removing_an_image_or_deleting_its_row_deletes_its_renditions(world, committed):
    # The story's social image: a picture field of the story's own, like the library's.
    with committed():
        removed = ArticleFactory(section=world, social_image=image_file(), social_image_alt="A picture")
        deleted = ImageFactory(file=image_file())
    removed_name, deleted_name = removed.social_image.name, deleted.file.name
    assert rendition_files(removed_name) and rendition_files(deleted_name)
    with committed():
        removed.social_image = None
        removed.social_image_alt = ""
        removed.save()
        deleted.delete()
    assert rendition_files(removed_name) == [] and rendition_files(deleted_name) == []


def test_renditions_still_used_by_another_row_are_kept(world, committed):
    picture = story_with(image_file(), committed, section=world).lead_picture
    copy = ImageFactory(file=picture.file.name, alt_text="The same file")
    with committed():
        picture.file = image_file()
        picture.save()
    assert rendition_files(copy.file.name) != []


def test_a_failure_after_commit_is_logged_not_raised(world, committed, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("images.lifecycle.ensure_renditions", broken)
    story = story_with(image_file(), committed, section=world)
    assert Article.objects.filter(pk=story.pk).exists()
    assert "run `manage.py make_renditions`" in caplog.text


def test_an_editor_upload_through_the_admin_is_cleaned_and_rendered(client, world, author, committed):
    from django.contrib.auth import get_user_model

    from tests.helpers.forms import story_form

    client.force_login(get_user_model().objects.create_superuser("chief", "chief@example.org", "unused"))
    form = story_form(world, author, social_image=camera_photo(), social_image_alt="Rescuers at the dam")
    with committed():
        response = client.post("/admin/articles/article/add/", form)
    assert response.status_code == 302
    story = Article.objects.get(slug="ukraine-closer-to-nato")
    assert (story.social_image_width, story.social_image_height) == (800, 1200)
    assert only_orientation_left(opened(story.social_image.name))
    assert "800w.webp" in rendition_files(story.social_image.name)
