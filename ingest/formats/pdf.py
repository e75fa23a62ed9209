"""PDF structure before parsing: corrupt and password-protected files are told apart from scanned ones,
and the pages that show pictures are listed (a scanned page is a picture without a text layer)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from core.errors import ParseError

_FORM_DEPTH = 3  # pictures nested in form XObjects (some scanners wrap each page in one)


@dataclass(frozen=True)
class PdfLayout:
    pages: int
    picture_pages: frozenset[int]  # 1-based, as unstructured numbers pages


def inspect_pdf(data: bytes) -> PdfLayout:
    """pdfminer turns a corrupt PDF into zero elements: refuse it here with a reason instead."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not reader.decrypt("")  # an empty user password opens many
        if not locked:
            pictures = frozenset(n for n, page in enumerate(reader.pages, 1) if _has_picture(page))
            return PdfLayout(len(reader.pages), pictures)
    except (PyPdfError, ValueError, OSError, NotImplementedError, KeyError, TypeError, AttributeError):
        raise ParseError("corrupt PDF: its structure cannot be read") from None
    raise ParseError("password-protected PDF: remove the password and ingest it again")


def _has_picture(page) -> bool:
    return _resources_have_picture(page.get("/Resources"), _FORM_DEPTH)


def _resources_have_picture(resources, depth: int) -> bool:
    resources = resources.get_object() if resources is not None else None
    if not resources or depth < 0:
        return False
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    for ref in xobjects.values():
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _resources_have_picture(xobject.get("/Resources"), depth - 1):
            return True
    return False
