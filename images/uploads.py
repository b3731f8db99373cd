"""Uploaded images: where they are stored, which files are accepted, and what is kept of them.

Stored names are random so that an upload's original name (which may carry a
source's name or a story's headline before publication) never reaches a URL.

What is kept is the picture, never the file's metadata: a camera's EXIF can hold
the GPS position of a source's home, XMP and IPTC the photographer's notes. The
stored original is made anew from the upload's picture alone, always
(``clean_upload``), and every rendition is made from pixels only
(``upright_pixels``). A camera JPEG in sRGB is stripped
without being decoded (``images.jpeg``), keeping only its EXIF orientation, so
that a 24-megapixel photo costs the editor's save milliseconds, not half a
second; its stored width and height are still the upright ones
(``PictureFieldFile``).
"""

import logging
import re
import secrets
from io import BytesIO
from pathlib import PurePath
from typing import IO

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from PIL import ExifTags, Image, ImageCms, ImageOps, JpegImagePlugin, UnidentifiedImageError

from common.django_internals import already_stored

from . import jpeg

logger = logging.getLogger(__name__)

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
    if already_stored(file):
        # A file already in storage (the form kept the current picture) passed this check when it was
        # uploaded; opening it again from storage on every save would be wasted work.
        return
    # The form field checks the upload, then the model field checks it again as the file field's
    # value: once is enough (a 24-megapixel photo costs ~55 ms a check).
    upload = file.file if isinstance(file, FieldFile) else file
    if getattr(upload, _CHECKED, False):
        return
    _check(file)
    setattr(upload, _CHECKED, True)


_CHECKED = "_newsroom_image_checked"


def _check(file: UploadedFile) -> None:
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
            # not when a reader's page asks for a rendition. A JPEG is decoded at
            # an eighth of its size: all of its data is still read and checked,
            # in a third of the time (a 24-megapixel photo: 50 ms, not 140).
            if image_format == "JPEG":
                image.draft(None, (width // 8, height // 8))
            image.load()
        file.seek(0)
        if not is_only_a_picture(file.read(), image_format):
            raise ValidationError(
                "This file holds more than a picture (markup, or data after the image ends), which is how files "
                "that are both an image and a web page are made. Export the picture again and upload that.",
                code="image_polyglot",
            )
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # So many pixels that Pillow refuses even to open it: decoding it would take gigabytes.
        raise ValidationError(
            "This image has far more pixels than the limit of 40 megapixels.", code="image_dimensions"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a readable JPEG, PNG, WebP or GIF image (it may be damaged or of another type).",
            code="image_invalid",
        ) from None
    finally:
        file.seek(position)


_MARKUP = re.compile(rb"<\s*(script|html|body|svg|iframe|object|embed|\?php|!doctype)\b", re.IGNORECASE)
# How each format's data ends; anything after that is not part of the picture.
_ENDINGS = {"JPEG": (b"\xff\xd9",), "PNG": (b"IEND\xaeB`\x82",), "GIF": (b";",)}


def is_only_a_picture(data: bytes, image_format: str) -> bool:
    """False for a polyglot: a file that also parses as HTML or script, or carries data after its image."""
    if _MARKUP.search(data):
        return False
    if image_format == "WEBP":
        # A RIFF container states its own length.
        return len(data) >= 8 and int.from_bytes(data[4:8], "little") + 8 == len(data)
    endings = _ENDINGS.get(image_format)
    return endings is None or data.rstrip(b"\x00").endswith(endings)


# Where Pillow puts metadata that can identify a person or a place: EXIF (with
# GPS), XMP, IPTC (inside Photoshop blocks), comments, and ICC profiles, whose
# descriptions can name a device. Checked once more on a JPEG stripped by its segments.
METADATA_KEYS = frozenset({"exif", "xmp", "XML:com.adobe.xmp", "photoshop", "icc_profile", "comment"})

# EXIF orientations that turn the picture a quarter: width and height swap.
QUARTER_TURNS = frozenset({5, 6, 7, 8})

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 = upright), read from the header without decoding pixels."""
    return image.getexif().get(ExifTags.Base.Orientation, 1)


def upright_size(image: Image.Image) -> tuple[int, int]:
    """(width, height) as readers see the picture, once the EXIF orientation is applied."""
    width, height = image.size
    return (height, width) if orientation(image) in QUARTER_TURNS else (width, height)


def upright_pixels(image: Image.Image) -> Image.Image:
    """A new image with only what readers should see of ``image``: its pixels.

    The first frame (readers get a still of an animation), turned as the EXIF
    orientation says, in sRGB, as RGBA when it has transparency and RGB
    otherwise. Nothing of the source's ``info`` (EXIF, GPS, XMP, ICC, comments)
    comes along. ``image`` itself is decoded and may be changed.
    """
    image.seek(0)
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode.startswith("I"):
        # 16-bit greys (scientific figures, scans): scale them to 8 bits, which
        # convert() alone would not do, turning everything above 255 white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in {"RGBA", "LA", "PA", "La", "RGBa"} or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    icc_profile = image.info.get("icc_profile")
    pixels = image
    if image.mode not in {"RGB", "RGBA", "CMYK", "L"} or (has_alpha and image.mode != "RGBA"):
        # Palettes, grey with alpha, 16-bit…: into a mode colour management takes.
        pixels = image.convert(mode)
    if icc_profile:
        # Wide-gamut (Display P3, Adobe RGB) and CMYK pictures would look dull or
        # garish if their profile were just dropped: convert them to sRGB, which
        # is what browsers assume for an image without one.
        try:
            source_profile = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            pixels = ImageCms.profileToProfile(pixels, source_profile, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.warning("Could not convert an image's colour profile to sRGB; using its colours as they are.")
    # convert() always makes a new image, so the source's ``info`` and cached
    # EXIF never reach it; ``info`` is emptied too, as some encoders read it.
    clean = pixels.convert(mode)
    clean.info = {}
    return clean


def clean_upload(file: IO[bytes]) -> ContentFile:
    """``file`` made anew from its picture alone, always: nothing of the upload's bytes but the picture's.

    Not only metadata is dropped: a file can also hide markup in a chunk or segment no checker knows of
    (a PNG's private chunk, a JPEG's application segment), which the denylist in ``is_only_a_picture``
    cannot foresee. So no upload is stored as it came. A JPEG in sRGB keeps its compressed pixels as they
    are, rebuilt from its picture segments alone with only its orientation (``images.jpeg``: every
    application segment and comment dropped, in milliseconds). Anything else is decoded and encoded again
    from its pixels in its own format, turned upright and converted to sRGB; an animated GIF or WebP keeps
    only its first frame, which is all readers are shown anyway.
    """
    position = file.tell()
    file.seek(0)
    name = getattr(file, "name", None)
    try:
        with Image.open(file) as image:
            if _strippable_without_decoding(image):
                file.seek(0)
                stripped = _jpeg_without_metadata(file.read(), orientation(image))
                if stripped is not None:
                    return ContentFile(stripped, name=name or "image.jpg")
            image_format = image.format
            options = _same_quality_options(image)
            pixels = upright_pixels(image)
    finally:
        file.seek(position)
    if image_format == "GIF":
        pixels = pixels.convert("P", palette=Image.Palette.ADAPTIVE) if pixels.mode == "RGB" else pixels
    buffer = BytesIO()
    pixels.save(buffer, image_format, **options)
    pixels.close()
    return ContentFile(buffer.getvalue(), name=name or f"image{ALLOWED_FORMATS[image_format]}")


def _strippable_without_decoding(image: Image.Image) -> bool:
    """Whether dropping ``image``'s metadata segments keeps exactly what readers see.

    So for a JPEG in RGB or grey whose colours are sRGB, as browsers assume; a wide-gamut or CMYK
    profile must be converted, which takes decoding the pixels.
    """
    if image.format != "JPEG" or image.mode not in {"RGB", "L"}:
        return False
    icc_profile = image.info.get("icc_profile")
    if not icc_profile:
        return True
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(BytesIO(icc_profile)))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return False
    return description.strip().lower().startswith("srgb")


def _jpeg_without_metadata(data: bytes, turn: int) -> bytes | None:
    """``data`` with its metadata segments dropped and only its orientation kept; None if that failed."""
    try:
        stripped = jpeg.without_metadata(data, turn)
        with Image.open(BytesIO(stripped)) as image:
            exif_tags = set(image.getexif())
            left = METADATA_KEYS & image.info.keys() - {"exif"}
    except (jpeg.UnreadableJpegError, UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    if left or not exif_tags <= {ExifTags.Base.Orientation}:
        return None
    return stripped


def _same_quality_options(image: Image.Image) -> dict:
    if image.format == "JPEG":
        if image.mode == "RGB" and image.quantization:
            # The upload's own tables: encoding again costs next to nothing in quality or size.
            return {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image), "optimize": True}
        return {"quality": 90, "optimize": True}
    if image.format == "WEBP":
        return {"quality": 90}
    return {}


class PictureFormField(forms.ImageField):
    """Django's image form field, giving our own reasons first (size, format, pixels, polyglot).

    Django's field would otherwise refuse every bad file with one generic message.
    """

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            validate_image_file(data)
        return super().to_python(data)


class PictureFieldFile(ImageFieldFile):
    """A picture's width and height as readers see it: turned as its EXIF orientation says.

    Django's own are the encoded ones, which for a photo taken upright on its side (and stored so,
    see ``images.jpeg``) are the wrong way round.
    """

    @cached_property
    def upright_dimensions(self) -> tuple[int, int] | tuple[None, None]:
        closed = self.closed
        self.open()
        position = self.file.tell()
        try:
            self.file.seek(0)
            with Image.open(self.file) as image:
                return upright_size(image)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return (None, None)
        finally:
            if closed:
                self.close()
            else:
                self.file.seek(position)

    @property
    def width(self) -> int | None:
        return self.upright_dimensions[0]

    @property
    def height(self) -> int | None:
        return self.upright_dimensions[1]

    def delete(self, save: bool = True) -> None:
        self.__dict__.pop("upright_dimensions", None)
        super().delete(save)


class PictureField(models.ImageField):
    """An ``ImageField`` whose forms explain exactly why an upload was refused, and whose width and
    height are the upright ones."""

    attr_class = PictureFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})
