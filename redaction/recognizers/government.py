"""National identity numbers, justified by FORMAT: US social security numbers (AAA-GG-SSSS with the
SSA's area, group and serial rules: no 000, 666 or 9xx area; no 00 group; no 0000 serial), UK
National Insurance numbers (HMRC's prefix letters, six digits, suffix A-D), US Medicare Beneficiary
Identifiers (CMS's eleven positions: digits and letters where the format puts them, never S, L, O, I,
B or Z, which look like digits), and, through Presidio's
own recognizers and their CHECKSUMS, the codice fiscale (it: its check letter), the DNI/NIF
and NIE (the check letter of the number mod 23); the Indian PAN has no public checksum, so only its
label makes it one ("PAN ABCPE1234F").

Presidio ships the last four for their own languages only and with scores for text that names them;
Veil reads them in any text it redacts, in capitals as they are issued, labelled ID_NUMBER.
"""

from __future__ import annotations


from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import (EsNieRecognizer, EsNifRecognizer, InPanRecognizer,
                                                       ItFiscalCodeRecognizer)


class DashedSsnRecognizer(PatternRecognizer):
    """AAA-GG-SSSS with the area/group/serial rules of the SSA; the dashed shape is rarely anything else."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="US_SSN",
            name="DashedSsnRecognizer",
            patterns=[Pattern("dashed ssn", r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b", 0.5)],
            context=["ssn", "social", "security", "ss#", "ssn#"],
        )


class UkNationalInsuranceRecognizer(PatternRecognizer):
    """QQ 12 34 56 C: the first letter never D, F, I, Q, U or V, the second never those or O."""

    def __init__(self) -> None:
        pattern = r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
        super().__init__(supported_entity="ID_NUMBER", name="UkNationalInsuranceRecognizer",
                         patterns=[Pattern("uk nino", pattern, 0.6)], global_regex_flags=0)


_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI_EITHER = "[0-9AC-HJKMNP-RT-Y]"


class MedicareBeneficiaryRecognizer(PatternRecognizer):
    """1EG4-TE5-MK73 (CMS's example): number, letter, either, number; letter, either, number; letter,
    letter, number, number — with or without the dashes, in capitals. Eleven fixed positions of this
    mix are rarely anything else; a health-plan beneficiary number is a HIPAA identifier."""

    def __init__(self) -> None:
        L, E = _MBI_LETTER, _MBI_EITHER
        pattern = rf"(?<![\w-])[1-9]{L}{E}\d(-?){L}{E}\d\1{L}{L}\d\d(?![\w-])"
        super().__init__(supported_entity="ID_NUMBER", name="MedicareBeneficiaryRecognizer",
                         patterns=[Pattern("medicare mbi", pattern, 0.6)], global_regex_flags=0)


# A checksum-valid code in an issuer's exact format is one whatever the text around it says.
_CHECKED = 0.6
# With no checksum, only a label lifts the format over the threshold (Presidio's context enhancement).
_UNCHECKED = 0.3


def _as_issued(recognizer: PatternRecognizer, name: str, score: float) -> PatternRecognizer:
    """Presidio's recognizer, labelled ID_NUMBER, case-sensitive (issued in capitals: "rssmra85t10a562s"
    is no code), its patterns at `score`, its validation (the checksum) unchanged."""
    recognizer.name = name
    recognizer.supported_entities = ["ID_NUMBER"]
    recognizer.global_regex_flags = 0
    recognizer.patterns = [Pattern(p.name, p.regex.replace("(?i)", ""), score) for p in recognizer.patterns]
    return recognizer


class _FiscalCodeIt(ItFiscalCodeRecognizer):
    def validate_result(self, pattern_text: str) -> bool:
        return super().validate_result(pattern_text) is True  # Presidio's says "unsure" (None) on a wrong check letter


def checksummed_national_ids() -> list[PatternRecognizer]:
    pan = InPanRecognizer(supported_entity="ID_NUMBER")  # its context words ("pan", "permanent account number")
    # five letters, the fourth the holder's type (person, company, trust...), four digits, a letter
    pan.patterns = [Pattern("PAN", r"\b[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b", _UNCHECKED)]
    return [MedicareBeneficiaryRecognizer(),
            _as_issued(_FiscalCodeIt(supported_entity="ID_NUMBER"), "FiscalCodeItRecognizer", _CHECKED),
            _as_issued(EsNifRecognizer(supported_entity="ID_NUMBER"), "SpanishNifRecognizer", _CHECKED),
            _as_issued(EsNieRecognizer(supported_entity="ID_NUMBER"), "SpanishNieRecognizer", _CHECKED),
            _as_issued(pan, "IndianPanRecognizer", _UNCHECKED)]
