"""OCR with Tesseract (Debian's tesseract-ocr, English data) through unstructured's `ocr_only` path.

unstructured's `hi_res` path needs layout models from a model hub: out of reach offline. `ocr_only` runs
the local `tesseract` binary and nothing else. Pages are rendered one at a time (PDFs through Poppler's
pdftoppm), so memory stays bounded by one page. A page that gives almost nothing is often turned on its
side: Tesseract's orientation detection (OSD) says by how much, and the page is read again upright.

unstructured's Tesseract agent reads each page twice: once for the words and their boxes (hOCR), once
more for the same text as plain text, which it only uses to group the words into paragraphs.
Tesseract writes both from one recognition (`tesseract page out hocr txt`), so `read_each_page_once`
has the agent ask for both at once and keep the text: one reading a page instead of two, the same
words (the shared share's scans and images: 17 Tesseract runs instead of 29, a quarter less time).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache
from threading import local

from core.errors import ParseError, UnsupportedFileError

LANGUAGES = ["eng"]
RENDER_DPI = 200  # unstructured rescales to its optimum text height anyway
MIN_READABLE = 20  # letters and digits: below this a page is read again after orientation detection
NEEDS_TESSERACT = "OCR needs Tesseract (apt install tesseract-ocr)"


@cache
def _tesseract_languages() -> frozenset[str] | None:
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return frozenset(line.strip() for line in listed.stdout.splitlines()[1:])


def require_tesseract() -> None:
    languages = _tesseract_languages()
    if languages is None:
        raise UnsupportedFileError(NEEDS_TESSERACT)
    missing = [lang for lang in LANGUAGES if lang not in languages]
    if missing:
        raise UnsupportedFileError(f"OCR needs Tesseract's language data for {', '.join(missing)} "
                                   f"(apt install {' '.join('tesseract-ocr-' + m for m in missing)})")


def tesseract_ready() -> bool:
    try:
        require_tesseract()
    except UnsupportedFileError:
        return False
    return True


def ocr_image(data: bytes, label: str) -> list:
    """unstructured elements of the image; of every page of a multi-page TIFF (the scanner's format),
    of the first frame of an animation."""
    from PIL import Image, ImageSequence

    require_tesseract()
    try:
        image = Image.open(io.BytesIO(data))
        _check_pixels(image.size, label)
        pages = ImageSequence.Iterator(image) if image.format == "TIFF" else [image]
        frames = [frame.convert("RGB") for frame in pages]
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ParseError(f"refused {label} image: too many pixels, a decompression bomb?") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ParseError(f"corrupt {label} image: it cannot be decoded") from None
    return [element for page, frame in enumerate(frames, 1) for element in _ocr_page(frame, page)]


def ocr_pdf_pages(data: bytes, pages: Iterable[int]) -> list:
    """unstructured elements of the given 1-based pages, numbered as in the PDF."""
    require_tesseract()
    return [element for page in pages for element in _ocr_page(_render(data, page), page)]


def _render(data: bytes, page: int):
    from pdf2image import convert_from_bytes
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

    try:
        images = convert_from_bytes(data, dpi=RENDER_DPI, first_page=page, last_page=page)
    except PDFInfoNotInstalledError:
        raise UnsupportedFileError("OCR of a PDF needs Poppler (apt install poppler-utils)") from None
    except (PDFPageCountError, PDFSyntaxError):
        raise ParseError("corrupt PDF: a page cannot be rendered for OCR") from None
    if not images:
        raise ParseError("corrupt PDF: a page cannot be rendered for OCR")
    return images[0].convert("RGB")


def _check_pixels(size: tuple[int, int], label: str) -> None:
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    if limit and size[0] * size[1] > limit:
        raise ParseError(f"refused {label} image: {size[0]}x{size[1]} pixels, a decompression bomb?")


def _ocr_page(image, page: int) -> list:
    elements = _partition(image, page)
    if _readable(elements) >= MIN_READABLE:
        return elements
    upright = _upright(image)
    if upright is None:
        return elements
    again = _partition(upright, page)
    return again if _readable(again) > _readable(elements) else elements


def _partition(image, page: int) -> list:
    from unstructured.partition.image import partition_image

    read_each_page_once()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    buffer.seek(0)
    return partition_image(file=buffer, strategy="ocr_only", languages=LANGUAGES, starting_page_number=page)


def _upright(image):
    """The image turned upright when OSD finds it on its side; None when upright or undecidable."""
    import unstructured_pytesseract as tesseract

    try:
        osd = tesseract.image_to_osd(image, output_type=tesseract.Output.DICT)
    except tesseract.TesseractError:  # too few characters to tell
        return None
    rotate = int(osd.get("rotate", 0)) % 360
    return image.rotate(-rotate, expand=True) if rotate else None


def _readable(elements: list) -> int:
    return sum(ch.isalnum() for element in elements for ch in (element.text or ""))


_last_read = local()  # the plain text of the agent's latest first reading, per thread
_REPLACED = ("image_to_data_with_character_confidence_filter", "get_layout_elements_from_image")
LIBRARY_METHODS: dict = {}  # the agent's own methods, as they were before `read_each_page_once`


@cache
def read_each_page_once() -> None:
    """Installs, once per process, the single reading in unstructured's Tesseract agent (0.27.x, whose
    methods these replace; `tests/unit/test_parsing.py` holds them to the library's own result)."""
    from unstructured.partition.utils.ocr_models.tesseract_ocr import OCRAgentTesseract

    for name in _REPLACED:  # setdefault: a second thread's first call must not record the replacements
        LIBRARY_METHODS.setdefault(name, getattr(OCRAgentTesseract, name))
    OCRAgentTesseract.image_to_data_with_character_confidence_filter = _hocr_keeping_text
    OCRAgentTesseract.get_layout_elements_from_image = _layout_from_one_reading


def _hocr_keeping_text(agent, image, lang: str = "eng", config: str = "",
                       character_confidence_threshold: float = 0.0):
    """The agent's own hOCR reading, with the plain text of the same recognition kept beside it."""
    import unstructured_pytesseract

    hocr, text = unstructured_pytesseract.run_and_get_multiple_output(
        image, extensions=["hocr", "txt"], lang=lang, extra_config="-c hocr_char_boxes=1 " + config)
    if getattr(_last_read, "text", None) is None:
        _last_read.text = text
    return agent.hocr_to_dataframe(hocr, character_confidence_threshold)


def _layout_from_one_reading(agent, image):
    """As the agent's own method, with the paragraph text from the first reading (the page as given,
    before any zoom: what the agent's separate plain-text reading would have read) instead of a second."""
    from unstructured.partition.pdf_image.inference_utils import build_layout_elements_from_ocr_regions

    _last_read.text = None
    try:
        regions = agent.get_layout_from_image(image)
        text = _last_read.text if _last_read.text is not None else agent.get_text_from_image(image)
    finally:
        _last_read.text = None
    return build_layout_elements_from_ocr_regions(ocr_regions=regions, ocr_text=text, group_by_ocr_text=True)
