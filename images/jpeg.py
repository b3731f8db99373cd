"""Removing a JPEG's metadata without decoding it: copying the segments that make the picture.

A JPEG is a row of marked segments: the compressed pixels and the tables that decode them, and
beside them application segments (APP1 for EXIF and XMP, APP13 for IPTC, APP2 for ICC profiles…)
and comments. Dropping the latter leaves the pixels untouched, byte for byte, in a few milliseconds
even for a 24-megapixel photo, where decoding and encoding it again takes half a second.

Only the segments that make the picture are copied (frame, tables, scans, restart interval: an
allow-list, so a marker this module does not know is dropped too), and nothing after the end of
the image. Besides them, written anew and never copied: the JFIF header's fixed fields (version,
pixel density; its thumbnail and any bytes after the fields are dropped), the Adobe segment's fixed
twelve bytes (how the colours are coded, which decoders need), and, when the photo is stored
sideways, its EXIF orientation alone, in an EXIF block of its own: a turn is not information about
anyone, and it is what makes the original show upright in browsers while renditions are made from
it (turned for good, see ``upright_pixels``). So no application segment or comment of the upload,
whatever it holds (markup, a thumbnail, a camera's notes), reaches the stored file.
"""

import re

from PIL import ExifTags, Image

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
APP0, APP1, APP14 = 0xE0, 0xE1, 0xEE
# The segments that make the picture: frames (SOF0–15, except 0xC8, reserved), Huffman and arithmetic
# tables (DHT 0xC4, DAC 0xCC), start of scan, quantization tables, number of lines, restart interval.
_PICTURE = frozenset({*range(0xC0, 0xD0), SOS, 0xDB, 0xDC, 0xDD}) - {0xC8}
# The fixed fields of the two headers rebuilt: "JFIF\0", version, units, densities (then no thumbnail);
# "Adobe", version, two flag words, the colour transform.
_JFIF_FIELDS, _ADOBE_FIELDS = 12, 12
# Markers with no length after them: start and end of image, restart markers, TEM.
_STANDALONE = frozenset({SOI, EOI, 0x01, *range(0xD0, 0xD8)})
# In the compressed data, 0xFF is followed by 0x00 (a stuffed byte) or a restart marker; anything
# else is the next segment's marker (after any number of 0xFF fill bytes).
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class UnreadableJpegError(ValueError):
    """The bytes are not a JPEG whose segments can be followed."""


def without_metadata(data: bytes, orientation: int = 1) -> bytes:
    """``data``'s picture with no metadata, and with only ``orientation`` as EXIF when it is not 1.

    Raises ``UnreadableJpegError`` when the segments cannot be followed, for the caller to decode and encode
    the picture instead.
    """
    if data[:2] != b"\xff\xd8":
        raise UnreadableJpegError("no start-of-image marker")
    kept = [b"\xff\xd8"]
    if orientation != 1:
        kept.append(_segment(APP1, _orientation_exif(orientation)))
    position = 2
    while True:
        if position >= len(data) or data[position] != 0xFF:
            raise UnreadableJpegError(f"no marker at byte {position}")
        while position + 1 < len(data) and data[position + 1] == 0xFF:  # fill bytes
            position += 1
        if position + 1 >= len(data):
            raise UnreadableJpegError("the file ends inside a marker")
        marker = data[position + 1]
        if marker == EOI:
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        if marker in _STANDALONE:
            kept.append(data[position : position + 2])
            position += 2
            continue
        if position + 4 > len(data):
            raise UnreadableJpegError("the file ends inside a segment's length")
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if end > len(data):
            raise UnreadableJpegError("a segment runs past the end of the file")
        kept.append(_kept(marker, data[position + 4 : end]))
        position = end
        if marker == SOS:
            following = _NEXT_MARKER.search(data, position)
            if following is None:
                raise UnreadableJpegError("the compressed data has no end")
            kept.append(data[position : following.start()])
            position = following.start()


def _kept(marker: int, payload: bytes) -> bytes:
    """What of a segment goes into the stripped file: all of a picture segment, the fixed fields of a JFIF or
    Adobe header written anew (without a JFIF thumbnail), nothing of any other."""
    if marker in _PICTURE:
        return _segment(marker, payload)
    if marker == APP0 and payload.startswith(b"JFIF\x00") and len(payload) >= _JFIF_FIELDS:
        return _segment(APP0, payload[:_JFIF_FIELDS] + b"\x00\x00")  # thumbnail 0 × 0
    if marker == APP14 and payload.startswith(b"Adobe") and len(payload) >= _ADOBE_FIELDS:
        return _segment(APP14, payload[:_ADOBE_FIELDS])
    return b""


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _orientation_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif.tobytes()
