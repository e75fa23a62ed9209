"""Decide what a file is before any reader opens it: the magic number first, then the container's
inside (ZIP parts, OLE streams), then the name for the text formats that have no magic number.

Every check that can refuse a file (zip bomb, password, corrupt container, binary data under a text
name) happens here, so no reader ever sees such a file.
"""

from __future__ import annotations

import logging

from core.errors import ParseError, UnsupportedFileError
from ingest.formats.archives import inspect_zip
from ingest.formats.ole import inspect_ole
from ingest.formats.sniff import BINARY_SUFFIXES, TEXT_SUFFIXES, magic_kind, same_family, suffix_of
from ingest.formats.text import is_text, looks_like_html

log = logging.getLogger(__name__)


def real_suffix(data: bytes, filename: str) -> str:
    """The suffix whose reader should parse `data` (".pdf", ".docx", ".txt", ...)."""
    declared = suffix_of(filename)
    label = declared or "extensionless"
    kind = magic_kind(data, declared)
    if kind == ".zip":
        real = inspect_zip(data, label)
    elif kind == ".ole":
        real = inspect_ole(data, label)
    elif kind:
        real = kind
    else:
        real = _text_suffix(data, declared, label)
    if declared and not same_family(declared, real):
        log.info("a file named %s holds %s content: parsed as %s", declared, real, real)
    return real


def _text_suffix(data: bytes, declared: str, label: str) -> str:
    """No magic number: a text format, or binary data in no format Veil reads."""
    if not is_text(data):
        if declared in TEXT_SUFFIXES:
            raise ParseError(f"not a {label} file: its content is binary data, not text")
        if declared in BINARY_SUFFIXES:
            raise ParseError(f"not a {label} file: its content is in no format Veil reads")
        raise UnsupportedFileError(f"unsupported file type ({label}): binary content in no format Veil reads")
    if declared in TEXT_SUFFIXES:
        return declared
    # Text under a binary name (an HTML page saved as .doc or .xls is common) or an unknown name.
    return ".html" if looks_like_html(data) else ".txt"
