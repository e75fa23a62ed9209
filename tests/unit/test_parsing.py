"""The parser on what a real file share holds: hostile files (zip bombs, passwords, wrong names, binary
garbage) refused with a reason a person understands, and scans, images, odd CSVs, e-mail attachments and
legacy Office read. Every file is generated here; every refusal is checked to quote no document text.
"""

from __future__ import annotations

import csv
import email.message
import io
import random
import shutil
import struct
import subprocess
import tempfile
import zipfile

import pytest

from core.errors import EmptyDocumentError, ParseError, UnsupportedFileError, VeilError
from core.settings import ParsingSettings
from ingest.formats import archives, legacy_office, ocr
from ingest.unstructured_parser import OCR_OFF, UnstructuredParser

MARKER = "Quillfeather"  # a made-up word planted in hostile files: no error message may contain it
needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"), reason="Tesseract is not installed")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="Poppler is not installed")
needs_soffice = pytest.mark.skipif(legacy_office.soffice() is None, reason="LibreOffice is not installed")


def parser(ocr_mode: str = "auto") -> UnstructuredParser:
    return UnstructuredParser(ParsingSettings(ocr=ocr_mode))


def refused(exc_type, data: bytes, filename: str, ocr_mode: str = "auto") -> str:
    with pytest.raises(exc_type) as info:
        parser(ocr_mode).parse(data, filename)
    message = str(info.value)
    assert MARKER.lower() not in message.lower()
    return message


@pytest.fixture
def no_unstructured(monkeypatch):
    """The refusal must come before any reader opens the file."""
    def opened(*args, **kwargs):
        raise AssertionError("unstructured was asked to open a refused file")
    monkeypatch.setattr(UnstructuredParser, "_partition", opened)


# ---- file builders ----------------------------------------------------------------------------------

def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(part: str, megabytes: int) -> bytes:
    """A real OOXML-shaped bomb: one part that inflates to `megabytes` of zeros."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(part, "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(chunk)
    return buffer.getvalue()


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_pdf(*pages: str) -> bytes:
    """A minimal PDF with one line of Helvetica text per page."""
    count = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count)), count),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, text in enumerate(pages):
        stream = b"BT /F1 14 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(f"{MARKER} ledger"))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def text_image(lines: list[str], rotate: int = 0):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=40)
    image = Image.new("RGB", (1400, 90 + 70 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((50, 40 + 70 * i), line, fill="black", font=font)
    return image.rotate(rotate, expand=True) if rotate else image


def image_bytes(image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (MS-CFB v3, 512-byte sectors): one FAT sector, one directory sector,
    up to three streams, each at least 4096 bytes so that none lives in the mini stream."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    assert len(streams) <= 3
    datas = [data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0") for data in streams.values()]
    fat, starts = [fat_sector, end], []
    for data in datas:
        start, count = len(fat), len(data) // 512
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", no_stream, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size))

    names = list(streams)
    directory = entry("Root Entry", 5, no_stream, 1, end, 0)
    for i, (name, start, data) in enumerate(zip(names, starts, datas), 1):
        directory += entry(name, 2, i + 1 if i < len(names) else no_stream, no_stream, start, len(data))
    directory += entry("", 0, no_stream, no_stream, 0, 0) * (4 - 1 - len(names))
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + struct.pack("<128I", *fat) + directory + b"".join(datas)


def word_fib(encrypted: bool) -> bytes:
    """The start of a Word 97 WordDocument stream: its FIB base, fEncrypted (bit 8 of the flags) as asked."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags) + b"\0" * 20


# ---- refused before any reader opens them -------------------------------------------------------------

@pytest.mark.parametrize("filename, part", [("report.docx", "word/document.xml"), ("budget.xlsx", "xl/sheet1.xml")])
def test_zip_bomb_office_files_are_refused_before_unstructured_opens_them(no_unstructured, filename, part):
    bomb = zip_bomb(part, megabytes=100)
    assert len(bomb) < 1 << 20
    message = refused(ParseError, bomb, filename)
    assert "zip bomb" in message and filename[-5:] in message


def test_a_zip_directory_that_understates_a_size_is_refused_as_corrupt(no_unstructured):
    data = bytearray(zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * 50_000}))
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)  # the second entry's record
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, central + 24, 100)  # declared uncompressed size: 100 bytes
    struct.pack_into("<I", data, local + 22, 100)
    assert "corrupt .docx" in refused(ParseError, bytes(data), "memo.docx")


def test_too_many_zip_entries_are_refused(no_unstructured, monkeypatch):
    monkeypatch.setattr(archives, "MAX_ENTRIES", 10)
    entries = {"[Content_Types].xml": b"<Types/>", **{f"word/part{i}.xml": b"<x/>" for i in range(12)}}
    assert "ZIP entries" in refused(ParseError, zip_bytes(entries), "memo.docx")


def test_an_ordinary_docx_passes_the_zip_checks():
    elements = parser().parse(docx_bytes(f"{MARKER} minutes of the board"), "minutes.docx")
    assert any(MARKER in e.text for e in elements)


@pytest.mark.parametrize("user_password", ["open-sesame"])
def test_password_protected_pdf_is_refused(no_unstructured, user_password):
    assert refused(ParseError, encrypted_pdf(user_password), "ledger.pdf").startswith("password-protected PDF")


def test_pdf_with_only_an_owner_password_is_read():
    elements = parser().parse(encrypted_pdf(""), "ledger.pdf")
    assert any(MARKER in e.text for e in elements)


def test_password_protected_docx_is_refused(no_unstructured):
    import msoffcrypto.format.ooxml

    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(docx_bytes(f"{MARKER} salary review"))).encrypt(
        "open-sesame", encrypted)
    assert refused(ParseError, encrypted.getvalue(), "review.docx").startswith("password-protected .docx")


@pytest.mark.parametrize("filename", ["budget.xlsx", "deck.pptx"])
def test_ole_wrapped_encrypted_office_package_is_refused(no_unstructured, filename):
    fake = compound_file({"EncryptionInfo": b"\x04\x00\x04\x00" + MARKER.encode(),
                          "EncryptedPackage": random.Random(1).randbytes(5000)})
    assert "password-protected" in refused(ParseError, fake, filename)


def test_password_protected_legacy_doc_is_refused(no_unstructured):
    doc = compound_file({"WordDocument": word_fib(encrypted=True), "1Table": b"\0" * 16})
    assert refused(ParseError, doc, "letter.doc").startswith("password-protected .doc")


@pytest.mark.parametrize("filename, error, says", [
    ("notes.txt", ParseError, "binary data, not text"),
    ("table.csv", ParseError, "binary data, not text"),
    ("report.docx", ParseError, "not a .docx file"),
    ("scan.pdf", ParseError, "not a .pdf file"),
    ("blob.bin", UnsupportedFileError, "unsupported file type (.bin)"),
    ("noextension", UnsupportedFileError, "unsupported file type"),
])
def test_binary_garbage_is_refused_with_its_type(no_unstructured, filename, error, says):
    garbage = random.Random(7).randbytes(8192)
    assert says in refused(error, garbage, filename)


@pytest.mark.parametrize("filename", ["empty.txt", "empty.pdf", "empty.docx", "empty.csv", "empty.png"])
def test_a_zero_byte_file_is_empty(no_unstructured, filename):
    assert refused(EmptyDocumentError, b"", filename) == "the file is empty (0 bytes)"


def test_a_whitespace_only_file_has_no_text():
    assert "no text" in refused(EmptyDocumentError, b" \n\t\n   \n", "blank.txt")


def test_a_corrupt_pdf_is_refused(no_unstructured):
    assert refused(ParseError, b"%PDF-1.4\n" + MARKER.encode() + b"\n%%EOF", "broken.pdf").startswith("corrupt PDF")


def test_a_reader_error_names_only_its_type():
    broken = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": f"<w:document>{MARKER}".encode()})
    message = refused(ParseError, broken, "broken.docx")
    assert message.startswith("cannot parse this .docx")


def test_a_plain_zip_archive_is_unsupported(no_unstructured):
    assert "ZIP archive" in refused(UnsupportedFileError, zip_bytes({"notes.txt": b"hello"}), "bundle.zip")


# ---- the bytes decide, not the name -----------------------------------------------------------------

def test_a_pdf_named_docx_is_parsed_as_a_pdf():
    elements = parser().parse(text_pdf(f"{MARKER} quarterly figures"), "figures.docx")
    assert any(MARKER in e.text for e in elements) and elements[0].page == 1


def test_a_docx_named_pdf_is_parsed_as_a_docx():
    elements = parser().parse(docx_bytes(f"{MARKER} travel policy"), "policy.pdf")
    assert any(MARKER in e.text for e in elements)


def test_html_saved_under_a_word_name_is_parsed_as_html():
    page = f"<!DOCTYPE html><html><body><p>{MARKER} handbook chapter one</p></body></html>".encode()
    assert any(MARKER in e.text for e in parser().parse(page, "handbook.doc"))


def test_text_mentioning_a_pdf_header_stays_text():
    note = f"The header %PDF- starts every PDF file; {MARKER} wrote this note.".encode()
    assert any(MARKER in e.text for e in parser().parse(note, "note.txt"))


# ---- CSV that unstructured's reader rejects ---------------------------------------------------------

ROWS = [["team", "city", "titles"], ["Otters", "Riverton", "3"], ["Herons", "Lakeside", "11"]]


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_csv_reads_like_its_utf8_twin(encoding):
    utf8 = [e.text for e in parser().parse(csv_bytes(ROWS), "teams.csv")]
    wide = csv_bytes(ROWS).decode().encode(encoding)
    assert [e.text for e in parser().parse(wide, "teams.csv")] == utf8
    assert "Riverton" in utf8[0]


def test_ragged_csv_keeps_every_cell():
    ragged = csv_bytes([ROWS[0], ROWS[1] + ["founded 1901", "extra"], ROWS[2][:2], ROWS[2]])
    text = "\n".join(e.text for e in parser().parse(ragged, "teams.csv"))
    for cell in ["Otters", "Riverton", "founded 1901", "extra", "Herons", "Lakeside", "11"]:
        assert cell in text


def test_single_column_csv_keeps_every_line():
    lines = ["Lantern repair request", "Gate hinge replacement", "Roof gutter clearing; urgent"]
    text = "\n".join(e.text for e in parser().parse(("\n".join(lines) + "\n").encode(), "tasks.csv"))
    assert all(line in text for line in lines)


def test_csv_that_is_only_blank_lines_has_no_text():
    refused(EmptyDocumentError, b"\n\n , \n", "blank.csv")


# ---- e-mail ------------------------------------------------------------------------------------------

def mail_bytes(body: str, attachments: list[tuple[bytes, str, str, str]]) -> bytes:
    message = email.message.EmailMessage()
    message["Subject"], message["From"], message["To"] = "Weekly notes", "a@example.org", "b@example.org"
    message.set_content(body)
    for data, maintype, subtype, filename in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def test_a_hostile_attachment_is_skipped_and_the_message_kept():
    eml = mail_bytes(f"{MARKER} wrote the weekly notes.", [
        (zip_bomb("word/document.xml", 100), "application", "octet-stream", "notes.docx"),
        (random.Random(3).randbytes(4096), "application", "octet-stream", "data.bin"),
        (docx_bytes("Agenda for the harbour committee"), "application", "octet-stream", "agenda.docx"),
    ])
    texts = [e.text for e in parser().parse(eml, "weekly.eml")]
    assert any(MARKER in t for t in texts) and any("harbour committee" in t for t in texts)


def test_an_encrypted_email_says_so():
    ciphertext = "-----BEGIN PGP MESSAGE-----\n\nhQEMA3x\n-----END PGP MESSAGE-----\n"
    eml = ("From: a@example.org\nTo: b@example.org\nSubject: sealed\nMIME-Version: 1.0\n"
           'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\n\n'
           "--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n"
           f"--b\nContent-Type: application/octet-stream\n\n{ciphertext}\n--b--\n").encode()
    assert refused(ParseError, eml, "sealed.eml").startswith("encrypted e-mail")


@needs_tesseract
def test_an_image_in_an_email_is_read_by_ocr_and_skipped_when_ocr_is_off():
    picture = image_bytes(text_image(["Harbour committee agenda", "Lantern repairs approved"]))
    eml = mail_bytes("Please see the scan.", [(picture, "image", "png", "scan.png")])
    with_ocr = " ".join(e.text for e in parser().parse(eml, "scan.eml"))
    assert "Lantern" in with_ocr and "see the scan" in with_ocr
    without = " ".join(e.text for e in parser("never").parse(eml, "scan.eml"))
    assert "see the scan" in without and "Lantern" not in without


# ---- OCR ----------------------------------------------------------------------------------------------

LINES = ["Harbour committee minutes", "The lantern repairs were approved", "Budget review next month"]


@needs_tesseract
def test_an_image_is_read_by_ocr():
    elements = parser().parse(image_bytes(text_image(LINES)), "minutes.png")
    text = " ".join(e.text for e in elements)
    assert "lantern repairs" in text and all(e.page == 1 for e in elements)


def _library_layout_texts(image, monkeypatch) -> list[str]:
    """unstructured's own two readings: words and boxes, then the plain text again for paragraphs."""
    from unstructured.partition.utils.ocr_models.tesseract_ocr import OCRAgentTesseract

    ocr.read_each_page_once()
    with monkeypatch.context() as library:
        for name, method in ocr.LIBRARY_METHODS.items():
            library.setattr(OCRAgentTesseract, name, method)
        return list(OCRAgentTesseract("eng").get_layout_elements_from_image(image).texts)


@needs_tesseract
@pytest.mark.parametrize("font_size, readings", [(40, 1), (9, 2)])  # small print is zoomed and read again
def test_ocr_reads_a_page_once_and_groups_paragraphs_as_the_library_does(monkeypatch, tmp_path, font_size, readings):
    from PIL import Image, ImageDraw, ImageFont
    import unstructured_pytesseract.pytesseract as tesseract
    from unstructured.partition.utils.ocr_models.tesseract_ocr import OCRAgentTesseract

    image = Image.new("RGB", (1400, 700), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=font_size)
    for top, line in zip((40, 110, 400), LINES):  # two paragraphs: a wide gap before the last line
        draw.text((50, top * font_size // 40 + 20), line, fill="black", font=font)
    expected = _library_layout_texts(image, monkeypatch)
    runs = []
    library_run = tesseract.run_tesseract
    monkeypatch.setattr(tesseract, "run_tesseract", lambda *a, **k: runs.append(k) or library_run(*a, **k))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    texts = list(OCRAgentTesseract("eng").get_layout_elements_from_image(image).texts)

    assert list(scratch.iterdir()) == []  # the page and both readings (the page's text) are removed

    assert texts == expected and "lantern" in " ".join(texts).lower()
    assert len(runs) == readings and all(run["extension"] == "hocr txt" for run in runs)
    assert OCRAgentTesseract.get_layout_elements_from_image is not ocr.LIBRARY_METHODS["get_layout_elements_from_image"]


@needs_tesseract
def test_an_image_on_its_side_is_turned_upright():
    sideways = text_image(LINES * 3, rotate=90)
    text = " ".join(e.text for e in parser().parse(image_bytes(sideways), "minutes.png"))
    assert "lantern repairs" in text


@needs_tesseract
def test_each_frame_of_a_multipage_tiff_is_a_page():
    frames = [text_image(["Harbour committee minutes"]), text_image(["Budget review next month"])]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    elements = parser().parse(buffer.getvalue(), "minutes.tif")
    assert {e.page for e in elements} == {1, 2}


def test_an_image_with_ocr_off_says_so(no_unstructured):
    assert refused(UnsupportedFileError, image_bytes(text_image(LINES)), "minutes.png", "never") == OCR_OFF


def test_an_image_without_tesseract_says_how_to_install_it(monkeypatch, no_unstructured):
    monkeypatch.setattr(ocr, "_tesseract_languages", lambda: None)
    message = refused(UnsupportedFileError, image_bytes(text_image(LINES)), "minutes.png")
    assert message == "OCR needs Tesseract (apt install tesseract-ocr)"


def test_a_decompression_bomb_image_is_refused(no_unstructured, monkeypatch):
    from PIL import Image

    picture = image_bytes(text_image(LINES))
    monkeypatch.setattr(ocr, "_tesseract_languages", lambda: frozenset({"eng"}))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a few kilobytes that claim this many pixels
    assert "decompression bomb" in refused(ParseError, picture, "minutes.png")


def scanned_pdf(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=100)
    return buffer.getvalue()


def text_then_scan_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf(f"{MARKER} cover page"))))
    writer.append(PdfReader(io.BytesIO(scanned_pdf(text_image(LINES)))))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@needs_tesseract
@needs_poppler
def test_a_scanned_pdf_is_read_by_ocr():
    elements = parser().parse(scanned_pdf(text_image(LINES)), "minutes.pdf")
    assert "lantern repairs" in " ".join(e.text for e in elements) and {e.page for e in elements} == {1}


def test_a_scanned_pdf_with_ocr_off_says_so():
    assert refused(UnsupportedFileError, scanned_pdf(text_image(LINES)), "minutes.pdf", "never") == OCR_OFF


def test_a_scanned_pdf_without_tesseract_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(ocr, "_tesseract_languages", lambda: None)
    message = refused(UnsupportedFileError, scanned_pdf(text_image(LINES)), "minutes.pdf")
    assert message == "OCR needs Tesseract (apt install tesseract-ocr)"


@needs_tesseract
@needs_poppler
def test_auto_ocr_reads_only_the_scanned_page_of_a_mixed_pdf(monkeypatch):
    read_pages = []
    real = ocr.ocr_pdf_pages
    monkeypatch.setattr(ocr, "ocr_pdf_pages", lambda data, pages: read_pages.append(list(pages)) or real(data, pages))
    elements = parser().parse(text_then_scan_pdf(), "minutes.pdf")
    assert read_pages == [[2]]
    by_page = {page: " ".join(e.text for e in elements if e.page == page) for page in (1, 2)}
    assert MARKER in by_page[1] and "lantern repairs" in by_page[2]
    assert [e.page for e in elements] == sorted(e.page for e in elements)


def test_ocr_off_keeps_the_text_pages_of_a_mixed_pdf():
    elements = parser("never").parse(text_then_scan_pdf(), "minutes.pdf")
    assert {e.page for e in elements} == {1} and MARKER in elements[0].text


def test_a_text_pdf_never_reaches_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_pdf_pages", lambda *a: pytest.fail("OCR ran on a text PDF"))
    assert MARKER in parser().parse(text_pdf(f"{MARKER} cover page"), "cover.pdf")[0].text


@needs_tesseract
@needs_poppler
def test_always_ocr_reads_every_page(monkeypatch):
    read_pages = []
    real = ocr.ocr_pdf_pages
    monkeypatch.setattr(ocr, "ocr_pdf_pages", lambda data, pages: read_pages.append(list(pages)) or real(data, pages))
    parser("always").parse(text_then_scan_pdf(), "minutes.pdf")
    assert read_pages == [[1, 2]]


# ---- legacy Office --------------------------------------------------------------------------------------

def test_legacy_doc_without_libreoffice_says_exactly_that(monkeypatch):
    monkeypatch.setattr(legacy_office, "soffice", lambda: None)
    doc = compound_file({"WordDocument": word_fib(encrypted=False), "1Table": b"\0" * 16})
    assert refused(UnsupportedFileError, doc, "letter.doc") == (
        "legacy .doc needs LibreOffice (soffice), which is not installed")


def test_a_hanging_libreoffice_is_killed_and_its_folder_removed(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy_office, "soffice", lambda: str(fake))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    with pytest.raises(ParseError, match="LibreOffice took over"):
        legacy_office.convert(b"legacy bytes", ".doc", timeout_s=0.5)
    assert list((tmp_path / "tmp").iterdir()) == []


@needs_soffice
def test_legacy_doc_is_read_through_libreoffice(tmp_path):
    (tmp_path / "letter.docx").write_bytes(docx_bytes(f"{MARKER} letter to the harbour committee"))
    subprocess.run([legacy_office.soffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", "doc", "--outdir", str(tmp_path / "out"), str(tmp_path / "letter.docx")],
                   check=True, capture_output=True, timeout=120)
    doc = (tmp_path / "out" / "letter.doc").read_bytes()
    assert doc.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))
    assert any(MARKER in e.text for e in parser().parse(doc, "letter.doc"))


def test_every_refusal_is_a_veil_error():
    for exc_type in (ParseError, UnsupportedFileError, EmptyDocumentError):
        assert issubclass(exc_type, VeilError)
