"""Postal codes, justified by a LABEL ("ZIP: 3962", "postcode 1012 AB"; bare digits are too ambiguous),
by the PLACE written beside them as continental addresses do ("<5 digits> <place>", "D-<5 digits> <place>")
and as addresses that put it after the city do ("<place> <6 digits>"), or, for UK, Irish and Canadian postcodes,
by their FORMAT ("CF14 6HG", "T12 X7PE", "M5J 2S8") which nothing else shares."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

from core.vocabulary.places import is_place_word
from redaction.recognizers.base import VeilRecognizer, result


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


class CanadianPostalCodeRecognizer(PatternRecognizer):
    """A Canadian postal code without a label: letter, digit, letter, digit, letter, digit ("M5J 2S8"),
    with Canada Post's letters only (never D, F, I, O, Q or U; W and Z never first), in capitals."""

    def __init__(self) -> None:
        first, other = "[ABCEGHJ-NPRSTVXY]", "[ABCEGHJ-NPRSTV-Z]"
        super().__init__(supported_entity="ZIP_CODE", name="CanadianPostalCodeRecognizer",
                         patterns=[Pattern("canadian postal code", rf"(?<![\w-]){first}\d{other} ?\d{other}\d(?![\w-])", 0.5)],
                         global_regex_flags=0)


class PostcodeThenPlaceRecognizer(VeilRecognizer):
    """Four or five digits right before a known place, the way most of the world writes a postcode
    ("<5 digits> <place>", "D-<5 digits> <place>", "<4 digits> <2 letters> <place>"): the place (phonenumbers'
    geocoding names, `core.vocabulary.places`) is the evidence; the place itself is left to the place
    recognizers. Four digits that could be a year ("in <year> <place>") are not a postcode here, nor is a
    reading before a unit that shares a place's code ("1400 IN", "2387 MB")."""

    _CODE_THEN_PLACE = re.compile(
        r"(?<![\w.,/:+$€£-])(?P<code>(?:[A-Z]{1,2}-)?(?:\d{5}|\d{4}(?:[ \t][A-Z]{2})?))"
        r"[ \t]+(?P<place>[A-ZÀ-ÖØ-Þ][\w'’-]{2,40}+)")  # three letters or more: "1400 IN", "2387 MB" are readings
    _YEAR = re.compile(r"(?:[A-Z]{1,2}-)?(?:1[89]|20)\d\d")
    SCORE = 0.5

    def __init__(self) -> None:
        super().__init__(["ZIP_CODE"])

    def analyze(self, text, entities, nlp_artifacts=None):
        return [result(self, "ZIP_CODE", match.start("code"), match.end("code"), self.SCORE)
                for match in self._CODE_THEN_PLACE.finditer(text)
                if is_place_word(match.group("place")) and not self._YEAR.fullmatch(match.group("code"))]


class PlaceThenPostcodeRecognizer(VeilRecognizer):
    """Five or six digits right after a known place, where addresses that put the postcode after the
    city write it ("<place> <6 digits>", "<place> - <3 digits> <3 digits>"). Four digits after a place are
    left alone: they are a year as often ("<place> <year>")."""

    _PLACE_THEN_CODE = re.compile(
        r"(?<![\w-])(?P<place>[A-ZÀ-ÖØ-Þ][\w'’-]{2,40}+)[ \t]*[,–-]?[ \t]*(?P<code>\d{5,6}|\d{3}[ \t]\d{3})"
        r"(?![\w/:-]|[.,]\d)")
    SCORE = 0.5

    def __init__(self) -> None:
        super().__init__(["ZIP_CODE"])

    def analyze(self, text, entities, nlp_artifacts=None):
        return [result(self, "ZIP_CODE", match.start("code"), match.end("code"), self.SCORE)
                for match in self._PLACE_THEN_CODE.finditer(text) if is_place_word(match.group("place"))]
