"""Every upload is stored made anew from its picture, never as it came (issue 12).

The markup denylist (``is_only_a_picture``) knows a few tags; what it does not know, hidden in a chunk
or segment no viewer shows, must not reach storage either, so no upload is stored byte for byte.
"""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops

from images.uploads import clean_upload, is_only_a_picture
from tests.factories import ImageFactory, animated_gif

# Markup the denylist does not name (an <img> with a handler), and markup it does (<script>).
UNLISTED = b'<img src=x onerror="alert(document.domain)">'
SCRIPT = b"<script>alert(document.domain)</script>"


def png_with_chunk(chunk_type: bytes, payload: bytes) -> bytes:
    """A small PNG with one more chunk just before its end, as a crafted file would carry it."""
    buffer = BytesIO()
    Image.new("RGB", (120, 80), (20, 120, 40)).save(buffer, "PNG")
    data = buffer.getvalue()
    end = data.rindex(b"IEND") - 4
    chunk = struct.pack(">I", len(payload)) + chunk_type + payload
    chunk += struct.pack(">I", zlib.crc32(chunk_type + payload) & 0xFFFFFFFF)
    return data[:end] + chunk + data[end:]


def jpeg_with_segment(marker: int, payload: bytes) -> bytes:
    """A JPEG with one more segment (a comment, an application segment) right after its start."""
    buffer = BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[:2] + bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def cleaned(data: bytes, name: str) -> bytes:
    return clean_upload(SimpleUploadedFile(name, data)).read()


@pytest.mark.parametrize("chunk_type", [b"prVt", b"tEXt", b"iTXt"])
def test_a_png_with_markup_in_a_chunk_is_stored_from_its_pixels(chunk_type):
    payload = b"comment\x00" + UNLISTED if chunk_type == b"tEXt" else UNLISTED
    if chunk_type == b"iTXt":
        payload = b"comment\x00\x00\x00\x00\x00" + UNLISTED
    data = png_with_chunk(chunk_type, payload)
    assert is_only_a_picture(data, "PNG")  # what the denylist alone would have let through
    stored = cleaned(data, "chart.png")
    assert b"onerror" not in stored and chunk_type not in stored
    with Image.open(BytesIO(data)) as before, Image.open(BytesIO(stored)) as after:
        assert after.format == "PNG"
        assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is None


@pytest.mark.parametrize(
    ("marker", "payload"),
    [
        (0xFE, SCRIPT),
        (0xFE, UNLISTED),
        (0xE5, UNLISTED),  # an application segment no one reads
        (0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + UNLISTED),  # bytes after a JFIF header's fields
        (0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + UNLISTED),  # …and after an Adobe segment's
    ],
    ids=["script-comment", "img-comment", "app5", "jfif-tail", "adobe-tail"],
)
def test_a_jpeg_keeps_no_segment_of_its_own_but_the_picture(marker, payload):
    data = jpeg_with_segment(marker, payload)
    stored = cleaned(data, "photo.jpg")
    assert b"onerror" not in stored and b"<script" not in stored
    with Image.open(BytesIO(data)) as before, Image.open(BytesIO(stored)) as after:
        assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is None


def test_a_jpeg_loses_everything_after_its_end():
    data = jpeg_with_segment(0xFE, b"fine") + UNLISTED
    assert cleaned(data, "photo.jpg").endswith(b"\xff\xd9")


def test_a_clean_upload_is_stored_anew_too(db):
    # No metadata at all: formerly kept byte for byte, now encoded again from its pixels like any other.
    buffer = BytesIO()
    Image.new("RGB", (300, 200), (20, 120, 40)).save(buffer, "PNG", compress_level=0)  # not as we would write it
    picture = ImageFactory(file=SimpleUploadedFile("flat.png", buffer.getvalue()))
    with default_storage.open(picture.file.name, "rb") as file:
        stored = file.read()
    assert stored != buffer.getvalue()
    with Image.open(BytesIO(stored)) as image:
        assert image.size == (300, 200) and image.getpixel((10, 10)) == (20, 120, 40)


def test_an_animated_gif_without_metadata_is_stored_as_its_first_frame(db):
    picture = ImageFactory(file=animated_gif())
    with default_storage.open(picture.file.name, "rb") as file, Image.open(file) as image:
        assert not getattr(image, "is_animated", False)
