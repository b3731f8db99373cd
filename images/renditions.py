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


# --- Crops around a focal point -----------------------------------------------------------------
#
# Search engines ask article structured data for pictures at 16:9, 4:3 and 1:1, at least 1200 px wide.
# Each crop is the largest box of its ratio inside the upright picture, centred on the focal point as far
# as the edges allow, scaled down to ``CROP_WIDTH`` when wider and never up. The focal point is passed in
# (fractions of the width and height, 0–1, from the top left): this module knows no model that keeps it.
# It is part of a crop's name, rounded to thousandths, so that moving it gives new names (no stale copy in
# a browser's or a CDN's cache) and the names are still known from the row alone.

CROP_RATIOS = ((16, 9), (4, 3), (1, 1))
CROP_WIDTH = 1200
CROP_EXTENSION = "jpg"  # what every consumer of structured data takes
CROP_PREFIX = "crop-"

FocalPoint = tuple[float, float]


@dataclass(frozen=True)
class Crop:
    name: str
    width: int
    height: int
    ratio: tuple[int, int]
    # The part of the upright original cut out: (left, top, right, bottom) in its pixels.
    box: tuple[int, int, int, int]


def _per_mille(focus: FocalPoint) -> tuple[int, int]:
    return tuple(min(1000, max(0, round(value * 1000))) for value in focus)  # type: ignore[return-value]


def crop_box(width: int, height: int, ratio: tuple[int, int], focus: FocalPoint) -> tuple[int, int, int, int]:
    """The largest ``ratio`` box inside ``width``×``height``, centred on ``focus`` as far as the edges allow."""
    ratio_width, ratio_height = ratio
    if width * ratio_height >= height * ratio_width:  # wider than the ratio: the full height
        box_width, box_height = min(width, max(1, round(height * ratio_width / ratio_height))), height
    else:
        box_width, box_height = width, min(height, max(1, round(width * ratio_height / ratio_width)))
    focus_x, focus_y = (value / 1000 for value in _per_mille(focus))
    left = min(max(0, round(focus_x * width - box_width / 2)), width - box_width)
    top = min(max(0, round(focus_y * height - box_height / 2)), height - box_height)
    return (left, top, left + box_width, top + box_height)


def crops(original_name: str, width: int, height: int, focus: FocalPoint) -> list[Crop]:
    """The focal-point crops of an original stored as ``original_name`` (upright ``width``×``height``)."""
    if width < 1 or height < 1:
        return []
    base = folder(original_name)
    x, y = _per_mille(focus)
    made = []
    for ratio in CROP_RATIOS:
        box = crop_box(width, height, ratio, focus)
        box_width, box_height = box[2] - box[0], box[3] - box[1]
        out_width = min(box_width, CROP_WIDTH)
        out_height = max(1, round(box_height * out_width / box_width))
        label = f"{ratio[0]}x{ratio[1]}"
        name = f"{base}/{CROP_PREFIX}{label}-at-{x}-{y}-{out_width}w.{CROP_EXTENSION}"
        made.append(Crop(name, out_width, out_height, ratio, box))
    return made


def ensure_crops(storage: Storage, original_name: str, focus: FocalPoint, *, force: bool = False) -> int:
    """Make ``original_name``'s crops around ``focus`` that ``storage`` lacks; delete crops around any other point.

    Returns how many files were written or deleted.
    """
    with storage.open(original_name, "rb") as file, Image.open(file) as source:
        width, height = upright_size(source)
        planned = crops(original_name, width, height, focus)
        missing = planned if force else [c for c in planned if not storage.exists(c.name)]
        pixels = upright_pixels(source) if missing else None
    try:
        for crop in missing:
            with pixels.crop(crop.box) as cut:
                resized = cut.resize((crop.width, crop.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            with resized:
                _write(storage, Rendition(crop.name, crop.width, crop.height, CROP_EXTENSION), resized)
    finally:
        if pixels is not None:
            pixels.close()
    return len(missing) + _delete_other_crops(storage, original_name, {c.name for c in planned})


def _delete_other_crops(storage: Storage, original_name: str, keep: set[str]) -> int:
    base = folder(original_name)
    try:
        _, files = storage.listdir(base)
    except FileNotFoundError:
        return 0
    stale = [f"{base}/{name}" for name in files if name.startswith(CROP_PREFIX) and f"{base}/{name}" not in keep]
    for name in stale:
        storage.delete(name)
    return len(stale)
