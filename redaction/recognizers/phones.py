"""Phone numbers, justified by FORMAT as Google's `phonenumbers` knows it for each numbering plan,
by a visible grouping shape, and by a LABEL for short internal numbers.

`phonenumbers` finds numbers written in any national or international layout of the regions
below and checks them against each plan's number lengths and prefixes; the grouping shape keeps
fictional and unassigned ranges (555-0132) that a real document may still carry; a pager, beeper
or extension number is short and bare, so only its label gives it away ("Pager #54321").
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import Pattern, PatternRecognizer

from redaction.recognizers.base import VeilRecognizer, result
from redaction.recognizers.financial import digits_of

# Numbering plans tried for numbers written without a country code: North America, the UK and
# Ireland, the larger EU plans, India and Australia. International numbers (+CC) parse in any plan.
REGIONS = ("US", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "PL", "SE", "IN", "AU")

_PHONE = (
    r"(?<![\w+/.-])"
    r"(?:\+\s?\d{1,3}[\s.-]?|00\d{1,3}[\s.-])?"        # country code
    r"(?:\(0\)\s?)?"                                     # trunk prefix shown as (0)
    r"(?:\(\d{1,5}\)[\s.-]?)?"                          # area code in parentheses
    r"\d{1,8}(?:[ .-]\d{1,8}){0,5}"                      # digit groups
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?"          # extension
    r"(?![\w/]|-\d|\.\d)"
)
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})$|^\d{4}[./]\d{1,2}[./]\d{1,2}$")
# Labels of short internal numbers: pager, beeper, bleep, extension.
_SHORT_LABEL = r"(?i:pager|beeper|bleep|ext|extension)"


_DECIMAL = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,2}(?![\d.])")
# A decimal written to five places or more: a lone 0 or up to three digits without a leading zero before
# the point ("-0.48291", "35.20193"). A dotted phone groups after a trunk zero ("030.12345678"), in
# several short groups ("0.800 123 4567", "1.800.555.0199"), or after a country or area code.
_LONG_DECIMAL = re.compile(r"(?<![\w.])-?(?:0|[1-9]\d{0,2})\.\d{5,}(?![\w.])")
# A phone written with one dot has a decimal's shape, but a phone's digits: a three-digit area code or
# mobile prefix and six to eight more ("347.1234567", "612.345678"), or a trunk 1 and ten ("1.8005550199").
# Such a word is never read as a table's decimal unless it is signed ("-122.419416" is a longitude).
_PHONE_SHAPED_DECIMAL = re.compile(r"[1-9]\d\d\.\d{6,8}|1\.\d{10}")
_TABLE_REACH = 80  # characters each side in which a second such decimal makes a row or a column
_CODE_BEFORE = re.compile(r"(?:\+|(?<![\w.])00|\))[\d \t.-]*$")  # "+49 30.12345678", "(212) 555.12345"
_CODE_REACH = 24  # how far back `in_a_table_of_decimals` looks for a code
_CODE_MARK = re.compile(r"[+()]|(?<![\w.])00")  # where _CODE_BEFORE or a span's own "+" or "(" could start
_TRUNK_ZERO = re.compile(r"\s*0\d")  # a national number's trunk prefix; no reading is written with a leading zero
_CLOCK = r"(?:[01]\d|2[0-3])[0-5]\d"
_TIME_RANGE = re.compile(rf"{_CLOCK}\s?[-–]\s?{_CLOCK}")
_YEAR = r"(?:1[89]|20)\d\d"
_YEAR_RANGE = re.compile(rf"\s*({_YEAR})\s?[-–]\s?({_YEAR})\s*")
_MONTH_YEAR = re.compile(rf"\s*(?:0?[1-9]|1[0-2])\s?/\s?{_YEAR}\s*")  # "09 / 1986", the tail of a form's date
_ISO_DATE_AND_HOUR = re.compile(rf"[\s\[(]*{_YEAR}-[01]?\d-[0-3]?\d(?:[ T][0-2]?\d)?\s*")  # "[2024-05-02 08:55:13]"


def looks_like_measurement(value: str) -> bool:
    """Lab values and readings share a phone's digits but not its shape: "7.43/41/76/28",
    "100-100.4", "91-102/45-52" (slashes or decimals), "1900-0700" (a range of clock times), and so is
    a range of years, the later one second ("1990-2000": eight digits, a local number's count), and a
    month and year ("09 / 1986"), and a log's timestamp ("2024-05-02 08:55:13"). A number
    opening with a trunk zero is a phone's ("089/12 34 56") unless it is a range of clock times."""
    digits = sum(c.isdigit() for c in value)
    if (years := _YEAR_RANGE.fullmatch(value)) and years.group(1) <= years.group(2):
        return True
    if _MONTH_YEAR.fullmatch(value) or _ISO_DATE_AND_HOUR.fullmatch(value):
        return True
    if _TRUNK_ZERO.match(value):  # "089/12 34 56", "02/123.45.67": an area code after a trunk zero
        return bool(_TIME_RANGE.fullmatch(value.strip()))
    return (value.count("/") >= 2 or ("/" in value and min(map(len, re.findall(r"\d+", value))) < 3)
            or bool(_DECIMAL.search(value)) or bool(_TIME_RANGE.fullmatch(value.strip()))
            or (digits < 8 and not value.lstrip().startswith("+") and "-" in value
                and len(re.findall(r"\d+", value)) == 2 and all(len(g) <= 3 for g in re.findall(r"\d+", value))))


def in_a_table_of_decimals(text: str, start: int, end: int) -> bool:
    """The span is, or lies inside, a decimal written to five places or more, with another such decimal
    within reach: a row or a column of coordinates or coefficients ("-0.482915 1.203948"), not a phone.
    A number after a country or area code ("+44 20.79460958", "(212) 555.12345"), or with a phone's digits
    ("347.1234567"), stays a phone."""
    if "+" in text[start:end] or "(" in text[start:end] or _CODE_BEFORE.search(text, max(0, start - _CODE_REACH), start):
        return False
    words = (word.strip(",;:()[]") for word in _words_around(text, start, end).split())
    if not any(_LONG_DECIMAL.fullmatch(word) and not _PHONE_SHAPED_DECIMAL.fullmatch(word) for word in words):
        return False
    return len(_LONG_DECIMAL.findall(text, max(0, start - _TABLE_REACH), end + _TABLE_REACH)) >= 2


def _words_around(text: str, start: int, end: int) -> str:
    """The span widened to the whole words it touches: a match inside "0.77120394" reads as the decimal."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def _only_decimals_of_a_table(text: str, start: int, end: int) -> bool:
    """Every number the matcher could find in text[start:end] is one `in_a_table_of_decimals` drops: the
    stretch touches only long decimals, another lies within reach of any span in it, and no code ("+",
    "00", brackets) stands in or before it. Asking the matcher anyway cost 90% of this recognizer's time
    on the shared sample share (tables of coefficients: fifteen plans, each with its inner matches)."""
    if _CODE_MARK.search(text, max(0, start - _CODE_REACH), end):
        return False
    words = [word.strip(",;:()[]") for word in _words_around(text, start, end).split()]
    if not all(_LONG_DECIMAL.fullmatch(word) and not _PHONE_SHAPED_DECIMAL.fullmatch(word) for word in words):
        return False
    # whole decimals inside the range every span's own reach contains (each span lies within
    # start..end), read past the range's end so no token cut there ("1.234567e-05") counts as one
    reach = start + _TABLE_REACH
    decimals = _LONG_DECIMAL.finditer(text, max(0, end - _TABLE_REACH), reach + _TABLE_REACH)
    return sum(1 for m in decimals if m.end() <= reach) >= 2


# A stretch that may hold a phone number: digits with the punctuation numbers are written with.
_CANDIDATE = re.compile(r"(?:\+|\b00|\()?\d[\d \t().\-/]{5,24}\d")


class PhoneNumbersRecognizer(VeilRecognizer):
    """Every number `phonenumbers` matches (leniency VALID) in any of the REGIONS' plans."""

    def __init__(self, regions: tuple[str, ...] = REGIONS) -> None:
        super().__init__(["PHONE_NUMBER"])
        self._regions = regions

    def analyze(self, text, entities, nlp_artifacts=None):
        """The matcher runs on candidate stretches only (7+ digits in phone punctuation): running it
        over whole long documents once per region made it the slowest recognizer by far."""
        found = {}
        for candidate in _CANDIDATE.finditer(text):
            if sum(c.isdigit() for c in candidate.group()) < 7:
                continue
            offset = max(0, candidate.start() - 1)
            window = text[offset:candidate.end() + 1]
            if _only_decimals_of_a_table(text, offset, offset + len(window)):
                continue
            for region in self._regions:
                for match_start, match_end in _matches(window, region):
                    start, end = offset + match_start, offset + match_end
                    found.setdefault((start, end), result(self, "PHONE_NUMBER", start, end, 0.6))
        return [r for r in found.values() if not in_a_table_of_decimals(text, r.start, r.end)]


# Tries per candidate window and region. The matcher goes on to "inner matches" (every digit group of a
# candidate that failed whole): on digit-dense text ("1 1 1 1 ...", tables of numbers) that was ~200
# parses per window and the slowest step of redaction; a window holds one candidate, which parses whole.
_MAX_TRIES = 6


@lru_cache(maxsize=8192)
def _matches(window: str, region: str) -> tuple[tuple[int, int], ...]:
    """Spans of valid numbers in `window` (measurements left out); cached: numbers repeat in a document."""
    import phonenumbers

    matcher = phonenumbers.PhoneNumberMatcher(window, region, leniency=phonenumbers.Leniency.VALID,
                                              max_tries=_MAX_TRIES)
    return tuple((m.start, m.end) for m in matcher if not looks_like_measurement(m.raw_string))


class PhoneShapeRecognizer(PatternRecognizer):
    """7-15 digits with a visible phone grouping, or a short number right after a phone label."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            name="PhoneShapeRecognizer",
            patterns=[Pattern("phone shape", _PHONE, 0.4),
                      # an unbroken run of digits needs a context word ("phone", "call") to count
                      Pattern("phone digits", r"(?<![\w+/.-])\+?\d{9,15}(?![\w/]|-\d|\.\d)", 0.1)],
            context=["phone", "telephone", "tel", "mobile", "cell", "call", "fax", "number", "contact",
                     "reach", "dial", "whatsapp", "sms", "text"],
        )

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in found if not in_a_table_of_decimals(text, r.start, r.end)]

    def validate_result(self, pattern_text: str) -> bool | None:
        core = re.split(r"\s?(?:x|ext)", pattern_text, maxsplit=1)[0]
        digits = digits_of(core)
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(pattern_text.strip()):
            return False
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", core) or looks_like_measurement(pattern_text):
            return False  # IPv4, lab values, time ranges
        if re.fullmatch(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})+", core.strip()):
            return False  # an amount grouped in thousands: "1,250,000", "12.500.000"
        return None


class ShortNumberRecognizer(PatternRecognizer):
    """3-6 digits right after a pager, beeper or extension label: "Pager #54321", "ext. 4471"."""

    def __init__(self) -> None:
        pattern = (rf"(?<=\b{_SHORT_LABEL}\.?[ \t]*(?:#|no\.?|number|num|:)?[ \t]*(?:#[ \t]*)?)"
                   r"\d{3,6}(?![\w/-]|[.,:]\d)")
        super().__init__(supported_entity="PHONE_NUMBER", name="ShortNumberRecognizer",
                         patterns=[Pattern("labelled short number", pattern, 0.5)], global_regex_flags=0)


def phone_recognizers() -> list:
    return [PhoneNumbersRecognizer(), PhoneShapeRecognizer(), ShortNumberRecognizer()]
