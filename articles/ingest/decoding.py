"""Bytes from outside into text: UTF-8 (with or without a BOM), UTF-16, or Windows-1251.

A hand-written detector rather than a general guesser such as charset-normalizer:
newsrooms send us a closed set of encodings, and for those a few exact rules
decide every case the same way each time. A guesser answers for any input, so a
Latin-1 or Mac file would come out as confident mojibake; here anything outside
the set is refused with a message saying how to save the file.

The order of the rules:

1. a byte-order mark names the encoding (UTF-8, UTF-16 or UTF-32);
2. known binary formats (PDF, Word, ZIP, images) are named in the refusal;
3. UTF-16 without a BOM shows as a NUL byte in every other position;
4. any other NUL or many control characters mean binary data;
5. text that decodes as UTF-8 is UTF-8 (ASCII included);
6. otherwise Windows-1251, only if the result reads as Cyrillic: its letters
   sit in whole Cyrillic words, not mixed into Latin ones as they do when a
   Western European file is misread as Windows-1251.
"""

import codecs
import re

from . import IngestError

BOMS = [  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
BINARY_SIGNATURES = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or a Word/OpenDocument file (.docx, .odt)"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Office document (.doc)"),
    (b"{\\rtf", "a Rich Text (.rtf) document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
]
SAVE_AS_TEXT = "Save the story as plain text (UTF-8) and import that file."
# Control characters are noise in a story (tab and line breaks excepted); many of them mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE, MAX_STRAY_CONTROLS = 0.01, 3  # more than 1% of the text, and more than 3, is not text
# Punctuation and signs Windows-1251 has besides Cyrillic letters: all of them common in Cyrillic copy.
_CP1251_SIGNS = set("«»„“”‘’‚–—…№•·°±§©®™€‰†‡\u00a0\u00a4\u00a6\u00b5\u00b6")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
MAX_MIXED_WORD_SHARE = 0.1


class DecodingError(IngestError):
    """The bytes are not text in an encoding we read."""


def decode(data: bytes) -> str:
    """The text in ``data``, without a BOM; raises ``DecodingError`` saying why it is refused."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _checked(_decode(data[len(bom) :], encoding, "its byte-order mark says"))
    refuse_binary(data)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(_decode(data, utf16, "it looks like"))
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    text = _as_cyrillic_windows_1251(data)
    if text is None:
        raise DecodingError(
            "The file is not UTF-8 text and does not read as Windows-1251 (Cyrillic) either. "
            "Save it as UTF-8 and import it again."
        )
    return _checked(text)


def refuse_binary(data: bytes) -> None:
    """Raise ``DecodingError`` for a known binary format, or NUL bytes that no UTF-16/32 text explains."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise DecodingError(f"This is {kind}, not a text file. {SAVE_AS_TEXT}")
    if b"\x00" in data and not any(data.startswith(bom) for bom, _ in BOMS) and not _utf16_without_bom(data):
        raise DecodingError(f"This is binary data, not text. {SAVE_AS_TEXT}")


def _decode(data: bytes, encoding: str, why: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        name = encoding.upper().replace("-LE", "").replace("-BE", "")
        raise DecodingError(f"The file is not valid {name}, though {why} it is. {SAVE_AS_TEXT}") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 LE or BE when NUL bytes fill one of the two byte positions (mostly-Latin text)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    pairs = len(sample) // 2
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls > pairs * 0.3 and even_nuls == 0:
        return "utf-16-le"
    if even_nuls > pairs * 0.3 and odd_nuls == 0:
        return "utf-16-be"
    return None


def _as_cyrillic_windows_1251(data: bytes) -> str | None:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:  # byte 0x98 has no character in Windows-1251
        return None
    unexpected = [c for c in text if ord(c) > 127 and not _CYRILLIC.match(c) and c not in _CP1251_SIGNS]
    if unexpected:
        return None
    cyrillic_words = [word for word in _WORD.findall(text) if _CYRILLIC.search(word)]
    if not cyrillic_words:
        return None
    mixed = sum(1 for word in cyrillic_words if _LATIN.search(word))
    if mixed > len(cyrillic_words) * MAX_MIXED_WORD_SHARE:
        return None
    return text


def _checked(text: str) -> str:
    """``text`` without stray control characters; refused as binary when they are more than a trace."""
    controls = len(_CONTROL.findall(text))
    if controls > max(MAX_STRAY_CONTROLS, len(text) * MAX_CONTROL_SHARE):
        raise DecodingError(f"This is binary data, not text. {SAVE_AS_TEXT}")
    return _CONTROL.sub("", text) if controls else text
