"""Uploaded images: where they are stored and which files are accepted.

Stored names are random so that an upload's original name (which may carry a
source's name or a story's headline before publication) never reaches a URL.
"""

import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Pillow raises DecompressionBombError above twice this; refuse well before.
MAX_PIXELS = 40_000_000


@deconstructible
class RandomImagePath:
    """``upload_to`` callable giving ``<folder>/<yyyy>/<random>.<ext>``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        from django.utils import timezone

        extension = PurePath(filename).suffix.lower()
        if extension not in ALLOWED_FORMATS.values():
            extension = ".jpg" if extension == ".jpeg" else ".img"
        return f"{self.folder}/{timezone.now():%Y}/{secrets.token_urlsafe(16)}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomImagePath) and other.folder == self.folder


def validate_image_file(file: UploadedFile) -> None:
    """Refuse anything that is not a well-formed JPEG, PNG, WebP or GIF of sane size.

    The size is checked before anything is decoded; the pixel count is checked
    from the header before the pixels are decoded, so a decompression bomb never
    allocates its memory.
    """
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This image is %(size)s MB; the limit is %(limit)s MB.",
            code="image_too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Images must be JPEG, PNG, WebP or GIF; this file is %(format)s.",
                    code="image_format",
                    params={"format": image_format or "not an image"},
                )
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    "This image is %(width)s×%(height)s pixels; the limit is 40 megapixels.",
                    code="image_dimensions",
                    params={"width": width, "height": height},
                )
            # Decode every pixel so a truncated or corrupt file is caught now,
            # not when a reader's page asks for a rendition.
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a readable JPEG, PNG, WebP or GIF image (it may be damaged or of another type).",
            code="image_invalid",
        ) from None
    finally:
        file.seek(position)
