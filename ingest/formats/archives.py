"""ZIP containers (Office Open XML, OpenDocument, EPUB): which format they hold, and whether opening them
is safe.

A zip bomb is a few kilobytes that inflate to gigabytes: the readers behind unstructured (python-docx,
openpyxl, python-pptx, pandoc) would inflate it in memory. The ZIP central directory declares every
entry's uncompressed size, so the totals are checked before anything is inflated; then every entry is
inflated once, in bounded chunks, so that a directory that understates a size fails its CRC check
here instead of inside a reader.
"""

from __future__ import annotations

import io
import zipfile

from core.errors import ParseError, UnsupportedFileError

MAX_ENTRIES = 20_000  # a large deck or workbook has a few thousand parts
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of XML and media, whatever the ratio
# Office XML deflates about 5-20x; deflate itself cannot exceed ~1032x. Above this ratio, and once the
# content is large enough to hurt, the file is a bomb rather than a document.
MAX_RATIO = 100
RATIO_APPLIES_ABOVE = 64 << 20
_CHUNK = 1 << 20
_ENCRYPTED_ENTRY_FLAG = 0x1

_OPENDOCUMENT_TYPES = {
    b"application/epub+zip": ".epub",
    b"application/vnd.oasis.opendocument.text": ".odt",
    b"application/vnd.oasis.opendocument.spreadsheet": ".ods",
    b"application/vnd.oasis.opendocument.presentation": ".odp",
}
# Macro-enabled variants (.docm, .xlsm, .pptm) are read as their plain twins; macros are never run.
_OOXML_PARTS = (("word/", ".docx"), ("xl/", ".xlsx"), ("ppt/", ".pptx"))


def inspect_zip(data: bytes, label: str) -> str:
    """The suffix the container should be parsed as; ParseError for bombs, encryption or corruption."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ParseError(f"corrupt {label} file: its ZIP structure cannot be read") from None
    _check_sizes(infos, len(data), label)
    if any(info.flag_bits & _ENCRYPTED_ENTRY_FLAG for info in infos):
        raise ParseError(f"password-protected {label} file: its ZIP entries are encrypted")
    _inflate_all(archive, infos, label)
    return _container_suffix(archive)


def _check_sizes(infos: list[zipfile.ZipInfo], archive_size: int, label: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ParseError(f"refused {label} file: {len(infos)} ZIP entries (over {MAX_ENTRIES}), a zip bomb?")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise ParseError(f"refused {label} file: it would inflate to {total >> 20} MB "
                         f"(over {MAX_UNCOMPRESSED >> 20} MB), a zip bomb?")
    ratio = total / max(archive_size, 1)
    if total > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO:
        raise ParseError(f"refused {label} file: it would inflate {ratio:.0f} times to {total >> 20} MB, "
                         "a zip bomb?")


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], label: str) -> None:
    """zipfile stops each entry at its declared size and checks its CRC: a lying directory fails here."""
    try:
        for info in infos:
            with archive.open(info) as entry:
                while entry.read(_CHUNK):
                    pass
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError):
        raise ParseError(f"corrupt {label} file: a ZIP entry cannot be inflated") from None


def _container_suffix(archive: zipfile.ZipFile) -> str:
    names = archive.namelist()
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        suffix = _OPENDOCUMENT_TYPES.get(archive.read("mimetype").strip())
        if suffix:
            return suffix
    if "[Content_Types].xml" in names:
        for prefix, suffix in _OOXML_PARTS:
            if any(name.startswith(prefix) for name in names):
                return suffix
    raise UnsupportedFileError("ZIP archive: unpack it and ingest the files it holds")
