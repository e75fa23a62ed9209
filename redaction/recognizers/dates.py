"""Dates tied to a person, justified by FORMAT: numeric, written and ISO dates, years, short
clinical dates ("7/22", "'92").

Weekdays, months alone, clock times, durations and recurring schedules identify no one and are
what a reader needs ("every second" + a weekday + "at 9:00"): they are not matched here, and the document
pass drops them when the NER model offers them (`redaction.refine.time_words`).
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

from core.vocabulary.calendar_words import MONTHS, OTHER_LANGUAGE_MONTHS, month_pattern
from core.vocabulary.currencies import CURRENCY_SYMBOLS
from core.vocabulary.patterns import alternation
from redaction.words import zipf

_MONTH = rf"{month_pattern()}\.?"  # every pattern that uses it is case-insensitive
_WRITTEN = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?"
_CURRENCY = rf"(?:[{re.escape(CURRENCY_SYMBOLS)}]|\b[A-Z]{{3}}[ \t]?)"
# Month/day without a year, the usual date in clinical notes: "7/22", "12/3".
_MONTH_DAY = r"(?<![\w/.,:-])(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?![\w/%]|[.,:]\d|-\d)"
# Day/month (day first, as many countries write it), where the first number can only be a day and the month has two digits:
# "admitted 14/03" ("15/5" and "20/10" are as often a ventilator's pressures, and stay to the other rules).
_DAY_MONTH = r"(?<![\w/.,:-])(?:1[3-9]|2\d|3[01])/(?:0[1-9]|1[0-2])(?![\w/%]|[.,:]\d|-\d)"
# A day before another language's month: "3 marzo 1962", "3 de mayo", "3. März 1962", "1er janvier". A month
# English also writes ("mars", "mayo", "mai") needs a year after it or a "de" before it ("2 mars bars").
COMMON_IN_ENGLISH = 3.0  # Zipf: "mars" 4.3, "mayo" 3.7, "mai" 3.5; "avril" 2.9, "juni" 2.4
_OTHER_MONTHS = sorted(set(OTHER_LANGUAGE_MONTHS) - set(MONTHS))
_ENGLISH_TOO = alternation(w for w in _OTHER_MONTHS if zipf(w) >= COMMON_IN_ENGLISH)
_OTHER_ONLY = alternation(w for w in _OTHER_MONTHS if zipf(w) < COMMON_IN_ENGLISH)
_DAY = r"(?<![\w.,/-])\d{1,2}(?:\.|º|er)?[ \t]+"
_YEAR = r"[ \t]+(?:de[ \t]+)?\d{4}(?!\d)"
_OTHER_LANGUAGE_DATE = (rf"(?i){_DAY}(?:(?:de[ \t]+)?{_OTHER_ONLY}(?![\w-])(?:{_YEAR})?"
                        rf"|de[ \t]+{_ENGLISH_TOO}(?![\w-])(?:{_YEAR})?|{_ENGLISH_TOO}{_YEAR})")
# Vulgar fractions and the scales that write "n/m": not dates.
_FRACTIONS = frozenset({"1/2", "1/3", "2/3", "1/4", "3/4", "1/8"})
# Ventilator settings are written as pressures "n/m" after or before the mode: "PSV 10/5", "CPAP 5/5",
# "on 10/5 BiPAP", "10/5 peep".
_VENTILATION = r"psv|ps|cpap|c-pap|bipap|bi-pap|peep|simv|vent|ventilation|flowby"
# Each cue a whole word (a letter before it makes another word: "Dx 3/14", "wrist fx 4/18" are dates);
# a digit may come before it ("2x 1/2 tabs").
_SCALE_BEFORE = re.compile(r"(?i)(?<![^\W\d_])(?:pain|score|scale|strength|rated|rating|grade|gcs|apgar|out of|x|times|"
                           rf"power|motor|reflexes|murmur|bp|b/p|\b(?:{_VENTILATION}))[\s:=+-]*$")
_UNIT_AFTER = re.compile(r"(?i)^\s*(?:tabs?|tablets?|caps?|capsules?|cups?|doses?|strength|ns\b|normal saline|"
                         rf"inch|mile|teaspoons?|tsp|tbsp|(?:{_VENTILATION}|fio2)\b)")
# Month/two-digit year, where the second number cannot be a day: "s/p CABG 11/92".
_MONTH_YEAR = r"(?<![\w/.,:-])(?:0?[1-9]|1[0-2])/(?:3[2-9]|[4-9]\d)(?![\w/%]|[.,:]\d|-\d)"


class VeilDateRecognizer(PatternRecognizer):
    """Numeric and written dates, ISO timestamps, four-digit years and short clinical dates."""

    def __init__(self) -> None:
        patterns = [
            Pattern("iso timestamp", rf"\b\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:[T ]{_TIME}(?:Z|[+-]\d\d:?\d\d)?)?\b", 0.6),
            # year first with dots or slashes, as East Asian and some records systems write it: "1998.03.15"
            Pattern("year-first date", r"(?<![\w./-])(?:19|20)\d\d([./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])"
                                       r"(?![\w]|[./-]\d)", 0.6),
            Pattern("numeric date", r"(?<!\d[.,])\b\d{1,2}([./-])\d{1,2}\1(?:19|20)?\d\d\b(?![.,/]\d)", 0.5),
            # a form's boxes: "17 / 09 / 1986"
            Pattern("spaced numeric date", r"(?<![\w/])\d{1,2}[ \t]/[ \t]\d{1,2}[ \t]/[ \t](?:19|20)\d\d\b(?![./]\d)", 0.6),
            Pattern("written date", rf"(?i)\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|"
                                    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})\b"
                                    r"(?!\.\d|,\d{1,2}\s?%|\s?%)", 0.6),  # an annual percentage rate, whose abbreviation is a month's, is no date
            Pattern("year", rf"(?<!{_CURRENCY})(?<!\b(?:at|@)[ \t])\b(?:19|20)\d\d\b"
                            r"(?!\s?(?:mg|ml|kg|g|m|km|cm|mm|%|\$|€|units?)\b)(?![-./,]\d)", 0.4),
            Pattern("date range", rf"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+{_MONTH})?\s+(?:and|to|until|-|–)\s+"
                                  rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?\b"
                                  rf"|(?i:\b{_MONTH}\s+(?:and|to|until|-|–)\s+{_MONTH}\s+\d{{4}}\b)", 0.6),
            Pattern("between dates", rf"(?i)\bbetween\s+{_WRITTEN}\s+and\s+{_WRITTEN}", 0.6),
            Pattern("other-language date", _OTHER_LANGUAGE_DATE, 0.6),
            # "03-MAR-1962", "3/Mar/62", "03.Mar.1962": records and lab systems write the month as a word
            Pattern("day-month-year", rf"(?i)(?<![\w/.-])\d{{1,2}}([-/.]){_MONTH}\1(?:\d{{4}}|\d{{2}})(?![\w/.-]\w)", 0.6),
            Pattern("month/day", _MONTH_DAY, 0.45),
            Pattern("day/month", _DAY_MONTH, 0.45),
            Pattern("abbreviated year", r"(?<![\w'’])['’]\d\d(?![\w'’%])|(?<![\w'’.,/-])\d\d['’](?![\w'’])", 0.45),
            Pattern("month/year", _MONTH_YEAR, 0.45),
            Pattern("decade", r"\b(?:19|20)\d0['’]?[sS]\b", 0.4),
        ]
        # No global IGNORECASE: the currency guard before a year must see capitals ("USD 1950", not "and 2019").
        super().__init__(supported_entity="DATE_TIME", name="VeilDateRecognizer", patterns=patterns,
                         global_regex_flags=re.MULTILINE)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        return [r for r in super().analyze(text, entities, nlp_artifacts, regex_flags)
                if not _is_fraction_or_scale(text, r.start, r.end) and _has_a_month_and_a_day(text[r.start:r.end])]


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}")


def _has_a_month_and_a_day(value: str) -> bool:
    """"7.38/40/90" (a blood gas) is no date: one of the first two numbers must be a month, the other a day."""
    found = _DAY_MONTH_YEAR.fullmatch(value)
    if not found:
        return True
    a, b = int(found.group(1)), int(found.group(2))
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def _is_fraction_or_scale(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    if not re.fullmatch(r"\d{1,2}/\d{1,2}", value):
        return False
    return (value in _FRACTIONS or bool(_SCALE_BEFORE.search(text[max(0, start - 16):start]))
            or bool(_UNIT_AFTER.match(text[end:end + 16])))
