"""Postal codes, justified by a LABEL ("ZIP: 3962", "postcode 1012 AB"; bare digits are too ambiguous)
or, for UK and Irish postcodes, by their FORMAT ("CF14 6HG", "T12 X7PE") which nothing else shares."""

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


class UkIrishPostcodeRecognizer(PatternRecognizer):
    """A full UK postcode (outward + inward code) or an Irish Eircode, without a label."""

    def __init__(self) -> None:
        uk = r"(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
        eircode = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}"
        super().__init__(supported_entity="ZIP_CODE", name="UkIrishPostcodeRecognizer",
                         patterns=[Pattern("uk postcode", rf"(?<![\w-]){uk}(?![\w-])", 0.5),
                                   Pattern("eircode", rf"(?<![\w-]){eircode}(?![\w-])", 0.3)],
                         context=["postcode", "eircode", "address", "road", "street", "ireland", "dublin", "cork"],
                         global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if any(c.isdigit() for c in pattern_text) and any(c.isalpha() for c in pattern_text) else False
