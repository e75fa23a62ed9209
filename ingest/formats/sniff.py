"""A file's real type from its first bytes (magic numbers), whatever its name says.

A file share holds PDFs named .docx, Word documents saved as RTF or HTML under .doc, and random
binaries under .txt. The bytes decide; the name only breaks ties between the text formats, which have
no magic number.
"""

from __future__ import annotations

from pathlib import PurePath

PDF = ".pdf"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".heic"})
OOXML_SUFFIXES = frozenset({".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm"})
ZIP_SUFFIXES = OOXML_SUFFIXES | {".odt", ".ods", ".odp", ".epub"}
_MACRO_ENABLED_TWINS = {".docm": ".docx", ".xlsm": ".xlsx", ".pptm": ".pptx"}
OLE_SUFFIXES = frozenset({".doc", ".xls", ".ppt", ".msg"})
BINARY_SUFFIXES = ZIP_SUFFIXES | OLE_SUFFIXES | IMAGE_SUFFIXES | {PDF, ".rtf"}
TEXT_SUFFIXES = frozenset({".txt", ".text", ".csv", ".tsv", ".md", ".markdown", ".html", ".htm", ".xml",
                           ".eml", ".org", ".rst", ".json", ".log"})

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file binary (MS-CFB): legacy Office, .msg
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # local file header, empty archive, spanned
# PDF readers accept a header anywhere in the first 1024 bytes (PDF 1.7 implementation note 13).
PDF_HEADER, PDF_HEADER_WINDOW = b"%PDF-", 1024
_IMAGE_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"),
    (b"II*\x00", ".tiff"), (b"MM\x00*", ".tiff"),
)
# "BM" alone starts many texts: a BMP also has a DIB header whose size is one of these (at byte 14).
_BMP_DIB_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1")


def suffix_of(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def magic_kind(data: bytes, declared: str) -> str | None:
    """".pdf", ".zip", ".ole", ".rtf" or an image suffix when the bytes say so; None for text or unknown.

    A PDF header after leading junk counts only in a file named .pdf: elsewhere a text that merely
    mentions the header string would pass for a PDF.
    """
    if data.startswith(OLE_MAGIC):
        return ".ole"
    if data.startswith(ZIP_MAGICS):
        return ".zip"
    if data.startswith(PDF_HEADER) or (declared == PDF and PDF_HEADER in data[:PDF_HEADER_WINDOW]):
        return PDF
    if data.startswith(b"{\\rtf"):
        return ".rtf"
    return image_kind(data)


def image_kind(data: bytes) -> str | None:
    for magic, suffix in _IMAGE_MAGICS:
        if data.startswith(magic):
            return suffix
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_DIB_HEADER_SIZES:
        return ".bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return ".heic"
    return None


def same_family(declared: str, real: str) -> bool:
    """.jpg/.jpeg, .tif/.tiff and friends name one format: no need to say the name is wrong."""
    if real in (declared, _MACRO_ENABLED_TWINS.get(declared)):
        return True
    if declared in IMAGE_SUFFIXES and real in IMAGE_SUFFIXES:
        return True
    return {declared, real} <= {".txt", ".text", ".log"}
