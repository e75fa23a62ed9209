"""National identity numbers, justified by FORMAT: US social security numbers (AAA-GG-SSSS with the
SSA's area, group and serial rules: no 000, 666 or 9xx area; no 00 group; no 0000 serial) and UK
National Insurance numbers (HMRC's prefix letters, six digits, suffix A-D)."""

from __future__ import annotations


from presidio_analyzer import Pattern, PatternRecognizer


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
