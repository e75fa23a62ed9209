"""Plain-text files: UTF-16/32 made UTF-8 (unstructured's text and CSV readers assume an 8-bit encoding),
and binary data under a text name refused instead of being ingested as noise."""

from __future__ import annotations

import codecs

from core.errors import ParseError

_SAMPLE = 64 * 1024
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.1  # text has tabs and line breaks; binary data has control bytes everywhere


def wide_encoding(data: bytes) -> str | None:
    """"utf-16"/"utf-32" from a byte-order mark, "utf-16-le"/"utf-16-be" from the zero bytes of
    ASCII-range text written in UTF-16 without one; None for 8-bit text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:_SAMPLE - _SAMPLE % 2]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zeros > 0.3 and even_zeros < 0.02:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.02:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """Zero bytes (outside UTF-16/32) or many control bytes: not something a person could read."""
    sample = data[:_SAMPLE]
    if 0 in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(sample)


def as_utf8_text(data: bytes, label: str) -> bytes:
    """The bytes of a text file, UTF-16/32 re-encoded as UTF-8; ParseError for binary data."""
    encoding = wide_encoding(data)
    if encoding:
        try:
            return data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(f"corrupt {label} file: it is not valid {encoding.upper()} text") from None
    if looks_binary(data):
        raise ParseError(f"not a {label} file: its content is binary data, not text")
    return data


def is_text(data: bytes) -> bool:
    return wide_encoding(data) is not None or not looks_binary(data)


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]
