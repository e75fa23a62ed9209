"""US social security numbers, justified by FORMAT: AAA-GG-SSSS with the SSA's area, group and
serial rules (no 000, 666 or 9xx area; no 00 group; no 0000 serial)."""

from __future__ import annotations

import re

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
