"""Stripping a JPEG's metadata by its segments: the compressed picture kept byte for byte, nothing else."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageChops

from images import jpeg
from images.uploads import clean_upload, validate_image_file
from tests.factories import camera_photo


def photo(**options) -> bytes:
    """A noisy JPEG (so its compressed data holds stuffed 0xFF bytes) with every kind of metadata."""
    image = Image.merge("RGB", [Image.effect_noise((640, 480), 60)] * 3)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CameraMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif, comment=b"12 Secret Lane", xmp=b"<x:xmpmeta/>", **options)
    return buffer.getvalue()


def compressed_pixels(data: bytes) -> bytes:
    """From the first start-of-scan to the end: the picture itself."""
    return data[data.index(b"\xff\xda") :]


@pytest.mark.parametrize(
    "options",
    [{}, {"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0}],
    ids=["baseline", "progressive", "restart-markers", "4:4:4"],
)
def test_the_picture_is_kept_byte_for_byte_and_the_metadata_dropped(options):
    data = photo(**options)
    stripped = jpeg.without_metadata(data)
    assert compressed_pixels(stripped) == compressed_pixels(data)
    for secret in (b"Exif", b"CameraMaker", b"Secret Lane", b"xmpmeta"):
        assert secret not in stripped
    with Image.open(BytesIO(data)) as before, Image.open(BytesIO(stripped)) as after:
        assert not after.getexif() and "comment" not in after.info and "xmp" not in after.info
        assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is None


def test_a_sideways_photo_keeps_only_its_orientation():
    stripped = jpeg.without_metadata(photo(), orientation=6)
    with Image.open(BytesIO(stripped)) as image:
        assert dict(image.getexif()) == {ExifTags.Base.Orientation: 6}


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"GIF89a" + data[6:],
        lambda data: data[: data.index(b"\xff\xda") + 3],  # ends inside the scan header
        lambda data: data[: len(data) // 2],  # no end of the compressed data
        lambda data: data[:2] + b"\x00" + data[3:],  # no marker where a segment should start
    ],
    ids=["not-a-jpeg", "cut-in-a-segment", "cut-in-the-pixels", "garbled-marker"],
)
def test_segments_that_cannot_be_followed_are_refused(damage):
    with pytest.raises(jpeg.UnreadableJpegError):
        jpeg.without_metadata(damage(photo()))


def test_an_srgb_camera_photo_is_stripped_without_decoding(monkeypatch):
    upload = camera_photo(size=(600, 400), orientation=1)
    original = upload.read()
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("the pixels were decoded"))
    cleaned = clean_upload(upload).read()
    assert compressed_pixels(cleaned) == compressed_pixels(original)


def test_a_wide_gamut_photo_is_converted_instead():
    upload = camera_photo(size=(600, 400), orientation=1, profile="LAB")
    original = upload.read()
    cleaned = clean_upload(upload).read()
    assert compressed_pixels(cleaned) != compressed_pixels(original)
    with Image.open(BytesIO(cleaned)) as image:
        assert not image.getexif() and "icc_profile" not in image.info


def test_a_large_photo_cut_short_is_still_refused():
    # The check decodes a JPEG at an eighth of its size; all of its data is still read.
    data = photo()
    with pytest.raises(ValidationError, match="not a readable"):
        validate_image_file(SimpleUploadedFile("cut.jpg", data[: int(len(data) * 0.9)]))
