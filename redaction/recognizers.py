"""Veil's own recognizers for what stock Presidio misses. Small classes in a registry, as Presidio does it."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Terrace|Ter|Way|"
    r"Place|Pl|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl|Close|Crescent|Row|Alley)"
)
_STREET_ADDRESS = (
    r"\b\d{1,6}[A-Za-z]?(?:[ \t]+[A-Z][A-Za-z0-9.'-]*){1,4}[ \t]+" + _STREET_SUFFIX + r"\b\.?"
    r"(?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.?[ \t]*[\w-]+)?"
    r"(?:,[ \t]*[A-Z][A-Za-z.'-]*(?:[ \t]+[A-Z][A-Za-z.'-]*){0,3})?"
    r"(?:,?[ \t]+[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?)?"
)


class StreetAddressRecognizer(PatternRecognizer):
    """House number + capitalised street name + suffix, with optional unit, city, state and ZIP."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="STREET_ADDRESS",
            name="StreetAddressRecognizer",
            patterns=[Pattern("street address", _STREET_ADDRESS, 0.6)],
            context=["address", "street", "resides", "residing", "lives", "mailing", "home"],
            global_regex_flags=re.MULTILINE,  # case matters: a capitalised name is the signal
        )


class DashedSsnRecognizer(PatternRecognizer):
    """AAA-GG-SSSS with the area/group/serial rules of the SSA; the dashed shape is rarely anything else."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="US_SSN",
            name="DashedSsnRecognizer",
            patterns=[Pattern("dashed ssn", r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b", 0.5)],
            context=["ssn", "social", "security", "ss#", "ssn#"],
        )


def veil_recognizers() -> list:
    from redaction.names import GazetteerNameRecognizer, LabelledNameRecognizer, TitledNameRecognizer

    return [StreetAddressRecognizer(), DashedSsnRecognizer(), GazetteerNameRecognizer(),
            TitledNameRecognizer(), LabelledNameRecognizer()]
