"""Vehicle identifiers: VINs justified by their CHECKSUM (ISO 3779 / 49 CFR 565 check digit in
position 9), licence plates justified by a LABEL ("plate", "reg. no.", "registration") or by a
national FORMAT distinctive enough to stand alone (UK, French/Italian, Californian).

A plate has no format common to the world's registries, so only its label gives it away; a VIN
outside North America may carry no check digit, so a labelled one counts whatever its ninth.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

_TRANSLITERATION = {**{str(d): d for d in range(10)},
                    **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
                    **dict(zip("STUVWXYZ", range(2, 10)))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN = r"(?<![\w-])[A-HJ-NPR-Za-hj-npr-z0-9]{17}(?![\w-])"
_VIN_LABEL = r"(?i:\bvin|vehicle identification (?:number|no\.?)|chassis (?:number|no\.?))"
_PLATE_LABEL = (r"(?i:(?:licen[cs]e|number|registration|reg\.?)[ \t]+plate|plate(?:[ \t]+(?:number|no\.?))?|"
                r"vehicle[ \t]+(?:reg(?:istration)?|plate)|vrm|"
                r"registration(?:[ \t]+(?:number|no\.?|mark))?|reg\.?[ \t]*(?:no\.?|number|mark)|"
                r"kennzeichen|immatriculation|matr[ií]cula|tag[ \t]+(?:number|no\.?))")
# Capitals and digits in up to four groups, with at least one digit: "KX19 FBN", "B-MW 4821", "7ABC123".
_PLATE = r"(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,7}(?:[ -][A-Z0-9]{1,5}){0,3}"


def vin_check_digit_valid(vin: str) -> bool:
    vin = vin.upper()
    if len(vin) != 17 or any(c not in _TRANSLITERATION for c in vin):
        return False
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS))
    expected = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == expected


class VinRecognizer(PatternRecognizer):
    """17 characters (no I, O or Q) with a valid check digit, or any such after a "VIN" label."""

    def __init__(self) -> None:
        super().__init__(supported_entity="VEHICLE_ID", name="VinRecognizer",
                         patterns=[Pattern("vin", _VIN, 0.3),
                                   Pattern("labelled vin", rf"(?<={_VIN_LABEL}[:#.]?[ \t]*(?:#[ \t]*)?){_VIN}", 0.8)],
                         global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool | None:
        """True (a valid check digit) raises the score to 1; None keeps it: 0.8 with a label,
        0.3 without, which the threshold drops."""
        digits = sum(c.isdigit() for c in pattern_text)
        return 3 <= digits <= 16 and (vin_check_digit_valid(pattern_text) or None)


class LicencePlateRecognizer(PatternRecognizer):
    """The value after a plate or registration label."""

    def __init__(self) -> None:
        pattern = rf"(?=[A-Z0-9])(?<={_PLATE_LABEL}[ \t]*[:#]?[ \t]*){_PLATE}(?![\w-])"
        super().__init__(supported_entity="VEHICLE_ID", name="LicencePlateRecognizer",
                         patterns=[Pattern("labelled plate", pattern, 0.7)], global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if len(re.sub(r"[ -]", "", pattern_text)) >= 4 else False


# National plate FORMATS distinctive enough to stand without a label: the UK's since 2001
# ("LK19 XPT"), France's SIV and Italy's ("GH-417-TP", "AB 123 CD"), California's ("7KDL218").
_NATIONAL_PLATES = (r"(?<![\w-])(?:[A-HJ-PR-Y][A-HJ-PR-Y]\d\d ?[A-HJ-PR-Z]{3}"
                    r"|[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}"
                    r"|[1-9][A-Z]{3}\d{3})(?![\w-])")


class NationalPlateRecognizer(PatternRecognizer):
    """Licence plates in the national formats above, without a label."""

    def __init__(self) -> None:
        super().__init__(supported_entity="VEHICLE_ID", name="NationalPlateRecognizer",
                         patterns=[Pattern("national plate format", _NATIONAL_PLATES, 0.45)],
                         context=["plate", "registration", "reg", "vehicle", "car", "van", "driver"],
                         global_regex_flags=0)


def vehicle_recognizers() -> list:
    return [VinRecognizer(), LicencePlateRecognizer(), NationalPlateRecognizer()]
