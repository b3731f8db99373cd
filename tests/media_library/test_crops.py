"""Focal-point crops: 16:9, 4:3 and 1:1 around the point, up to 1200 px wide, never upscaled, upright."""

from io import BytesIO, StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageDraw

from images.renditions import CROP_WIDTH, crop_box, crops
from tests.factories import ImageFactory, camera_photo
from tests.helpers.images import rendition_files


def opened(name: str) -> PILImage.Image:
    with default_storage.open(name, "rb") as file:
        image = PILImage.open(BytesIO(file.read()))
        image.load()
        return image


def halves(size: tuple[int, int], name: str = "halves.png") -> SimpleUploadedFile:
    """Red on the left half, blue on the right."""
    image = PILImage.new("RGB", size, (220, 20, 20))
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(20, 20, 220))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def is_red(pixel) -> bool:
    return pixel[0] > 150 and pixel[2] < 100


def is_blue(pixel) -> bool:
    return pixel[2] > 150 and pixel[0] < 100


# --- Where the box falls -------------------------------------------------------------------


@pytest.mark.parametrize("ratio", [(16, 9), (4, 3), (1, 1)])
@pytest.mark.parametrize("size", [(4000, 3000), (3000, 4000), (1000, 1000), (5000, 800), (640, 480)])
@pytest.mark.parametrize("focus", [(0.5, 0.5), (0.0, 0.0), (1.0, 1.0), (0.9, 0.2), (0.1, 0.85)])
def test_the_box_has_the_ratio_fits_the_picture_and_holds_the_focal_point(ratio, size, focus):
    width, height = size
    left, top, right, bottom = crop_box(width, height, ratio, focus)
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    # The largest box of that ratio: one side is the picture's whole side.
    assert right - left == width or bottom - top == height
    assert (right - left) / (bottom - top) == pytest.approx(ratio[0] / ratio[1], rel=0.01)
    focus_x, focus_y = focus[0] * width, focus[1] * height
    assert left <= focus_x <= right and top <= focus_y <= bottom


def test_the_box_is_centred_on_the_focal_point_when_the_edges_allow():
    left, top, right, bottom = crop_box(4000, 3000, (1, 1), (0.6, 0.5))
    assert (left + right) / 2 == 2400 and (top, bottom) == (0, 3000)


def test_a_focal_point_near_an_edge_moves_the_box_to_that_edge_not_outside():
    assert crop_box(4000, 3000, (1, 1), (0.02, 0.5)) == (0, 0, 3000, 3000)
    assert crop_box(4000, 3000, (1, 1), (0.98, 0.5)) == (1000, 0, 4000, 3000)


# --- Sizes and names -----------------------------------------------------------------------


def test_crops_of_a_large_picture_are_1200_px_wide_at_each_ratio():
    found = {crop.ratio: (crop.width, crop.height) for crop in crops("media/2026/x.jpg", 4000, 3000, (0.5, 0.5))}
    assert found == {(16, 9): (1200, 675), (4, 3): (1200, 900), (1, 1): (1200, 1200)}


def test_crops_of_a_small_picture_are_never_upscaled():
    found = {crop.ratio: (crop.width, crop.height) for crop in crops("media/2026/x.jpg", 800, 600, (0.5, 0.5))}
    assert found == {(16, 9): (800, 450), (4, 3): (800, 600), (1, 1): (600, 600)}
    assert all(crop.width <= CROP_WIDTH for crop in crops("media/2026/x.jpg", 9000, 100, (0.5, 0.5)))


def test_crop_names_live_with_the_renditions_and_change_with_the_focal_point():
    centred = [crop.name for crop in crops("media/2026/Ab12.jpg", 4000, 3000, (0.5, 0.5))]
    moved = [crop.name for crop in crops("media/2026/Ab12.jpg", 4000, 3000, (0.25, 0.5))]
    assert all(name.startswith("renditions/media/2026/Ab12/crop-") for name in centred + moved)
    assert centred[0] == "renditions/media/2026/Ab12/crop-16x9-at-500-500-1200w.jpg"
    assert not set(centred) & set(moved)


def test_an_unreadable_picture_has_no_crops():
    assert crops("media/2026/x.jpg", 0, 0, (0.5, 0.5)) == []


# --- Made with the renditions, after the commit ------------------------------------------------


@pytest.mark.django_db
def test_saving_a_picture_makes_its_crops_of_the_planned_sizes(committed):
    with committed():
        image = ImageFactory(file=halves((2400, 1200)))
    assert image.crops()
    for crop in image.crops():
        with opened(crop.name) as made:
            assert made.size == (crop.width, crop.height)
            assert made.format == "JPEG"
    assert image.crop_urls() == [default_storage.url(crop.name) for crop in image.crops()]


@pytest.mark.django_db
def test_the_crops_show_what_is_at_the_focal_point(committed):
    with committed():
        right = ImageFactory(file=halves((3000, 1000)), focal_x=0.95, focal_y=0.5)
        left = ImageFactory(file=halves((3000, 1000)), focal_x=0.05, focal_y=0.5)
    square_right = next(crop for crop in right.crops() if crop.ratio == (1, 1))
    square_left = next(crop for crop in left.crops() if crop.ratio == (1, 1))
    with opened(square_right.name) as made:
        assert is_blue(made.getpixel((10, 500))) and is_blue(made.getpixel((990, 500)))
    with opened(square_left.name) as made:
        assert is_red(made.getpixel((10, 500))) and is_red(made.getpixel((990, 500)))


@pytest.mark.django_db
def test_moving_the_focal_point_makes_new_crops_and_deletes_the_old(committed):
    with committed():
        image = ImageFactory(file=halves((3000, 1000)))
    before = {crop.name for crop in image.crops()}
    image.focal_x = 0.9
    with committed():
        image.save()
    after = {crop.name for crop in image.crops()}
    files = {
        f"renditions/{image.file.name.rsplit('.', 1)[0]}/{name}"
        for name in rendition_files(image.file.name, crops=True)
    }
    assert after <= files
    assert not before & files
    # The renditions themselves were neither remade nor lost.
    assert any(name.endswith("160w.webp") for name in files)


@pytest.mark.django_db
def test_saving_other_fields_does_not_touch_the_crops(committed, django_capture_on_commit_callbacks):
    with committed():
        image = ImageFactory(file=halves((3000, 1000)))
    image.caption = "A new caption"
    with django_capture_on_commit_callbacks() as callbacks:
        image.save()
    assert callbacks == []


@pytest.mark.django_db
def test_crops_of_a_sideways_camera_photo_are_upright(committed):
    # Stored 1200×800 with orientation 6: readers see it 800×1200, red on top.
    with committed():
        image = ImageFactory(file=camera_photo(size=(1200, 800)), focal_x=0.5, focal_y=0.05)
    assert (image.width, image.height) == (800, 1200)
    wide = next(crop for crop in image.crops() if crop.ratio == (16, 9))
    assert (wide.width, wide.height) == (800, 450)
    with opened(wide.name) as made:
        assert made.size == (800, 450)
        assert is_red(made.getpixel((400, 225)))


@pytest.mark.django_db
def test_make_renditions_makes_missing_crops_again(committed):
    from django.core.management import call_command

    with committed():
        image = ImageFactory(file=halves((2000, 1000)))
    for crop in image.crops():
        default_storage.delete(crop.name)
    call_command("make_renditions", stdout=StringIO())
    assert all(default_storage.exists(crop.name) for crop in image.crops())


@pytest.mark.django_db
def test_a_focal_point_saved_alone_with_update_fields_still_moves_the_crops(committed):
    with committed():
        image = ImageFactory(file=halves((3000, 1000)))
    image.focal_x = 0.1
    with committed():
        image.save(update_fields=["focal_x"])
    assert all(default_storage.exists(crop.name) for crop in image.crops())
    assert all("-at-100-500-" in crop.name for crop in image.crops())
