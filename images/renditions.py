"""Renditions: the resized, metadata-free copies of an uploaded image that readers are served.

An original gets a WebP and a JPEG at each width in ``WIDTHS`` below its own
width, and at its own width too when that is below the largest, never wider.
Each one is stored under a name derived from the original's stored name alone:

    stories/2025/Ab12.jpg  →  renditions/stories/2025/Ab12/640w.webp and …/640w.jpg

So a page can list every rendition of an image from the image's name, width and
height, which the database row already holds, with no query and no look at
storage. Files are made once, when the image is saved (see ``image_lifecycle``),
and stay as they are (``make_renditions --force`` aside): a new image always has
a new random name, so its renditions have new names too.
"""

import contextlib
import logging
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image

from .uploads import QUARTER_TURNS, orientation, upright_pixels, upright_size

logger = logging.getLogger(__name__)

FOLDER = "renditions"
# From an avatar (5rem on a 2× screen) to the front page's lead image on a 2× screen.
WIDTHS = (160, 320, 640, 960, 1280, 1600)
# Extension → (Pillow format, MIME type, encoder options). WebP first: browsers take the first they can show.
FORMATS = {
    "webp": ("WEBP", "image/webp", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
}
# What transparency is flattened onto for JPEG: the page is near-white paper.
JPEG_BACKGROUND = (255, 255, 255)


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    extension: str

    @property
    def mime_type(self) -> str:
        return FORMATS[self.extension][1]


def sizes(width: int, height: int) -> list[tuple[int, int]]:
    """(width, height) of each rendition of a ``width``×``height`` picture, narrowest first."""
    if width < 1 or height < 1:
        return []
    widest = min(width, WIDTHS[-1])
    widths = [w for w in WIDTHS if w < widest] + [widest]
    return [(w, max(1, round(height * w / width))) for w in widths]


def folder(original_name: str) -> str:
    """Where ``original_name``'s renditions live: its path without the extension, under ``FOLDER``."""
    return f"{FOLDER}/{PurePosixPath(original_name).with_suffix('')}"


def renditions(original_name: str, width: int, height: int, extension: str) -> list[Rendition]:
    """The renditions in one format of an original stored as ``original_name``, narrowest first."""
    base = folder(original_name)
    return [Rendition(f"{base}/{w}w.{extension}", w, h, extension) for w, h in sizes(width, height)]


def all_renditions(original_name: str, width: int, height: int) -> list[Rendition]:
    return [r for extension in FORMATS for r in renditions(original_name, width, height, extension)]


def ensure_renditions(storage: Storage, original_name: str, *, force: bool = False) -> int:
    """Make the renditions of ``original_name`` that ``storage`` lacks (every one with ``force``).

    Returns how many files were written: 0 when all were there already. Only the
    original's header is read unless something is missing.
    """
    with storage.open(original_name, "rb") as file, Image.open(file) as source:
        width, height = upright_size(source)
        planned = all_renditions(original_name, width, height)
        missing = planned if force else [r for r in planned if not storage.exists(r.name)]
        if not missing:
            return 0
        widest = max(r.width for r in missing)
        target = (widest, max(r.height for r in missing))
        # A JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that is still
        # larger than the widest rendition: far less memory and time for a
        # 24-megapixel camera file. The header's size is before rotation.
        source.draft(None, target[::-1] if orientation(source) in QUARTER_TURNS else target)
        pixels = upright_pixels(source)
    # Widest first, each made from the one before: every step is a small,
    # properly filtered reduction, and the work shrinks with each width
    # instead of starting again from the full picture.
    larger = pixels
    try:
        for size in sorted({(r.width, r.height) for r in missing}, reverse=True):
            resized = larger.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            larger.close()
            larger = resized
            for rendition in (r for r in missing if (r.width, r.height) == size):
                _write(storage, rendition, resized)
    finally:
        larger.close()
    logger.debug("Made %d renditions of %s", len(missing), original_name)
    return len(missing)


def delete_renditions(storage: Storage, original_name: str) -> int:
    """Delete every file in ``original_name``'s rendition folder; returns how many there were."""
    base = folder(original_name)
    try:
        _, files = storage.listdir(base)
    except FileNotFoundError:
        return 0
    for filename in files:
        storage.delete(f"{base}/{filename}")
    _remove_empty_folder(storage, base)
    return len(files)


def _write(storage: Storage, rendition: Rendition, resized: Image.Image) -> None:
    image_format, _, options = FORMATS[rendition.extension]
    buffer = BytesIO()
    if image_format == "JPEG" and resized.mode == "RGBA":
        with Image.new("RGB", resized.size, JPEG_BACKGROUND) as flat:
            flat.paste(resized, mask=resized.getchannel("A"))
            flat.save(buffer, image_format, **options)
    else:
        resized.save(buffer, image_format, **options)
    if storage.exists(rendition.name):
        storage.delete(rendition.name)
    saved = storage.save(rendition.name, ContentFile(buffer.getvalue()))
    if saved != rendition.name:
        # Another process wrote the same rendition meanwhile and storage chose a
        # new name for ours: theirs is the same picture, so drop the duplicate.
        storage.delete(saved)


def _remove_empty_folder(storage: Storage, name: str) -> None:
    try:
        path = storage.path(name)
    except NotImplementedError:
        return  # object stores have no folders to leave behind
    with contextlib.suppress(OSError):  # not empty (a concurrent write) or already gone
        os.rmdir(path)
