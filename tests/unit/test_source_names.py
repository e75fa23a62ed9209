"""File names are redacted like text, and come back with their own separators."""

from __future__ import annotations

from redaction.transform.operators import ReplacementPolicy
from redaction.redactor import DocumentRedactor
from redaction.source_names import SourceName
from tests.conftest import SAMPLES
from tests.fakes import EmailDetector

REDACTOR = DocumentRedactor(EmailDetector(), ReplacementPolicy())


def redact_name(path: str):
    name = SourceName(path)
    return name.rebuild(REDACTOR.redact(name.texts()))


def test_a_name_without_personal_data_is_kept_exactly():
    assert redact_name("examples/documents/discharge_summary.pdf").text == "examples/documents/discharge_summary.pdf"
    assert redact_name("C:\\exports\\q3+final_v2.docx").spans == ()


def test_each_folder_and_file_name_is_redacted_and_keeps_its_separators():
    path = "mail/jane.roe@example.com_inbox/re+jane.roe@example.com_notes.txt"
    red = redact_name(path)
    assert red.text == "mail/<EMAIL_ADDRESS_1>_inbox/re+<EMAIL_ADDRESS_1>_notes.txt"
    assert [red.text[s.start:s.end] for s in red.spans] == ["<EMAIL_ADDRESS_1>"] * 2


def test_underscores_no_longer_hide_a_value_from_word_boundaries():
    name = SourceName("a\\scan_jo@example.org_2024.pdf")
    assert name.texts() == ["a", "scan jo@example.org 2024    "]
    assert name.rebuild(REDACTOR.redact(name.texts())).text == "a\\scan_<EMAIL_ADDRESS_1>_2024.pdf"


def test_extensions_are_not_mistaken_for_domains():
    """Presidio's URL recognizer reads "review.do" (Dominican Republic) in "loan_review.docx"."""
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector

    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    names = [f"examples/documents/{p.name}" for p in SAMPLES.iterdir()]
    assert "examples/documents/loan_review.docx" in names
    for path in [*names, "notes.md", "Q3 board minutes.docx"]:
        name = SourceName(path)
        assert name.rebuild(redactor.redact(name.texts())).text == path
