"""Postal codes, justified by a LABEL: "ZIP: 3962", "postcode SW1A 1AA" (bare digits are too ambiguous)."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class ZipCodeRecognizer(PatternRecognizer):
    """A postal code after a cue ("ZIP: 3962", "postcode SW1A 1AA", "my zip code is 2200")."""

    def __init__(self) -> None:
        code = r"(?:\d{3,6}(?:-\d{3,4})?|\d{3} \d{2}|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
        cue = r"(?i:zip|zip code|zipcode|postal code|postcode|post code|plz|cep)"
        super().__init__(
            supported_entity="ZIP_CODE", name="ZipCodeRecognizer",
            patterns=[Pattern("cued postcode", rf"(?<={cue}:\s)\s*{code}\b|(?<={cue} is\s)\s*{code}\b|"
                                               rf"(?<={cue}\s)\s*{code}\b", 0.6)],
        )
