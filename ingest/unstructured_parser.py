"""Parsing with unstructured, offline: the `fast` PDF path, Tesseract OCR for scans and images, and a
local spaCy model.

Before any reader opens a file, ingest.formats decides what it really is (magic numbers, not the name)
and refuses what must not be opened: zip bombs, password-protected files, binary data under a text
name. Every refusal is a VeilError whose message names the file type and the problem, never the text.
Everything returned lives in memory only; the caller redacts it before anything is stored.
"""

from __future__ import annotations

import io
import logging

from core.errors import EmptyDocumentError, ParseError, UnsupportedFileError, VeilError
from core.settings import ParsingSettings
from core.types import Element
from ingest.formats import legacy_office, mail, ocr
from ingest.formats.delimited import parse_delimited
from ingest.formats.identify import real_suffix
from ingest.formats.pdf import inspect_pdf
from ingest.formats.sniff import IMAGE_SUFFIXES, PDF, TEXT_SUFFIXES
from ingest.formats.text import as_utf8_text
from ingest.tables import labelled_rows
from ingest.unstructured_nlp import use_fast_offline_heuristics

log = logging.getLogger(__name__)

_SKIPPED_CATEGORIES = {"PageBreak", "Image", "PageNumber"}
_NEEDS_LIBREOFFICE = frozenset({".doc", ".ppt"})  # .xls is read directly (xlrd)
_MAIL = frozenset({".eml", ".msg"})
_DELIMITED = frozenset({".csv", ".tsv"})
MAX_NESTING = 3  # an attachment of an attachment of an attachment; deeper ones are skipped
OCR_OFF = "scanned page or image: OCR is off (parsing.ocr = never)"


class UnstructuredParser:
    def __init__(self, settings: ParsingSettings) -> None:
        self._settings = settings
        # under the whole file's limit, so LibreOffice is stopped here, with a reason, before a sandboxed
        # worker running this parser is killed for the same file
        self._soffice_timeout_s = 0.8 * settings.timeout_s

    def parse(self, data: bytes, filename: str) -> list[Element]:
        return self._parse(data, filename, depth=0)

    def _parse(self, data: bytes, filename: str, depth: int) -> list[Element]:
        if not data:
            raise EmptyDocumentError("the file is empty (0 bytes)")
        suffix = real_suffix(data, filename)
        elements = self._elements(data, suffix, depth)
        if not elements:
            raise EmptyDocumentError(_empty_reason(suffix))
        return elements

    def _elements(self, data: bytes, suffix: str, depth: int) -> list[Element]:
        if suffix == PDF:
            return self._pdf(data)
        if suffix in IMAGE_SUFFIXES:
            return self._image(data, suffix)
        if suffix in _NEEDS_LIBREOFFICE:
            converted, new_suffix = legacy_office.convert(data, suffix, self._soffice_timeout_s)
            return self._parse(converted, f"document{new_suffix}", depth)
        if suffix in _MAIL:
            return self._mail(data, suffix, depth)
        if suffix in _DELIMITED:
            return self._delimited(as_utf8_text(data, suffix), suffix)
        if suffix in TEXT_SUFFIXES:
            data = as_utf8_text(data, suffix)
        return _to_elements(self._partition(data, suffix))

    def _pdf(self, data: bytes) -> list[Element]:
        """Text layer first; OCR where a page shows pictures but has no text (`auto`), or everywhere."""
        layout = inspect_pdf(data)
        mode = self._settings.ocr
        if mode == "always":
            return _to_elements(ocr.ocr_pdf_pages(data, range(1, layout.pages + 1)))
        elements = _to_elements(self._partition(data, PDF, strategy=self._settings.pdf_strategy))
        with_text = {e.page for e in elements}
        scanned = sorted(layout.picture_pages - with_text)
        if not elements:  # no text layer anywhere: pictures or not, only OCR can read it
            scanned = list(range(1, layout.pages + 1))
        if not scanned:
            return elements
        if mode == "never" or not ocr.tesseract_ready():
            return _without_ocr(elements, len(scanned), OCR_OFF if mode == "never" else ocr.NEEDS_TESSERACT)
        ocred = _to_elements(ocr.ocr_pdf_pages(data, scanned))
        return sorted(elements + ocred, key=lambda e: e.page or 0)  # stable: reading order within a page

    def _image(self, data: bytes, suffix: str) -> list[Element]:
        if self._settings.ocr == "never":
            raise UnsupportedFileError(OCR_OFF)
        return _to_elements(ocr.ocr_image(data, suffix))

    def _delimited(self, data: bytes, suffix: str) -> list[Element]:
        """pandas (inside unstructured) rejects ragged rows and single columns; the csv module does not."""
        try:
            return _to_elements(self._partition(data, suffix))
        except ParseError as exc:
            log.info("unstructured could not read a %s file (%s): read as plain delimited text", suffix, exc)
            return parse_delimited(data, suffix)

    def _mail(self, data: bytes, suffix: str, depth: int) -> list[Element]:
        """The message body through unstructured, each attachment through this parser (and its checks)."""
        try:
            parts = mail.msg_parts(data) if suffix == ".msg" else mail.eml_parts(data)
        except Exception as exc:  # noqa: BLE001 - the library's message may quote the mail
            raise ParseError(f"cannot parse this {suffix} file: {type(exc).__name__}") from None
        body = _to_elements(self._partition(data, suffix, process_attachments=False))
        if parts.encrypted and not body:
            raise ParseError(f"encrypted e-mail ({suffix}, S/MIME or PGP): it cannot be read without the key")
        return body + [element for attachment in parts.attachments
                       for element in self._attachment(attachment, depth + 1)]

    def _attachment(self, attachment: mail.Attachment, depth: int) -> list[Element]:
        label = attachment.suffix or "extensionless"
        if depth > MAX_NESTING:
            log.info("skipped a %s attachment: nested deeper than %d", label, MAX_NESTING)
            return []
        try:
            elements = self._parse(attachment.data, f"attachment{attachment.suffix}", depth)
        except VeilError as exc:  # one unreadable attachment never loses the message
            log.info("skipped a %s attachment: %s", label, exc)
            return []
        return [Element(e.text, None, e.category) for e in elements]

    def _partition(self, data: bytes, suffix: str, **options) -> list:
        """unstructured's reader for `suffix`, under a neutral name: the user's file name (which may be
        personal) never reaches the library or its logs."""
        use_fast_offline_heuristics()
        from unstructured.file_utils.model import FileType
        from unstructured.partition.auto import partition
        from unstructured.partition.common import UnsupportedFileFormatError

        options.setdefault("strategy", self._settings.pdf_strategy)
        file_type = FileType.from_extension(suffix)  # the type decided here, not libmagic's guess again
        try:
            return partition(file=io.BytesIO(data), metadata_filename=f"document{suffix}",
                             content_type=file_type.mime_type if file_type else None,
                             languages=ocr.LANGUAGES, **options)
        except UnsupportedFileFormatError:
            raise UnsupportedFileError(f"unsupported file type ({suffix or 'no extension'})") from None
        except VeilError:
            raise
        except Exception as exc:  # the library's message may quote the document: keep only its type
            raise ParseError(f"cannot parse this {suffix or 'file'}: {type(exc).__name__}") from None


def _to_elements(raw: list) -> list[Element]:
    return [Element(_text_of(el), getattr(el.metadata, "page_number", None), el.category)
            for el in raw if el.category not in _SKIPPED_CATEGORIES and el.text and el.text.strip()]


def _text_of(element) -> str:
    """A table with a header row becomes labelled rows (ingest.tables); other elements keep their text."""
    html = getattr(element.metadata, "text_as_html", None) if element.category == "Table" else None
    return str((labelled_rows(html) if html else None) or element.text)


def _empty_reason(suffix: str) -> str:
    if suffix in IMAGE_SUFFIXES:
        return f"no text in this {suffix} image: OCR found no words (a photo or a drawing?)"
    if suffix == PDF:
        return "no text in this PDF: no text layer, and OCR found no words"
    return f"no text in this {suffix} file: it is empty, or holds only blank space or pictures"


def _without_ocr(elements: list[Element], scanned_pages: int, reason: str) -> list[Element]:
    """The text layer alone; a PDF that has none fails with the reason OCR did not run."""
    if not elements:
        raise UnsupportedFileError(reason)
    log.info("%d scanned PDF pages left unread: %s", scanned_pages, reason)
    return elements
