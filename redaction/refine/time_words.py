"""Time expressions that date no one: durations ("48 hours", "a 14-day course"), recurring
schedules ("every second" + a weekday, "twice daily"), a weekday or a month alone ("on" + a
weekday, "in" + a month) and clock times ("at 9:00", "14:30", a shift's "1900-0700").

spaCy's NER labels them DATE/TIME, and redacting them blanks what a reader needs most in clinical
notes and contracts (how long a drug is taken, when a clinic runs). HIPAA's date element is a date
tied to a person (day and month, or a full date), never a span, a weekday or a time of day; ages
stay with the AGE recognizer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.vocabulary.calendar_words import month_pattern, weekday_pattern
from redaction.spans import Detection

_NUMBER = (r"(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
           r"fifteen|twenty|thirty|forty|fifty|sixty|ninety|a few|few|several|many|a couple of|couple of|"
           r"half an?|a half)")
_UNIT = r"(?:second|sec|minute|min|hour|hr|day|night|week|wk|fortnight|month|year|yr|decade)s?"
_QUANTITY = rf"{_NUMBER}(?:[\s-]+and a half)?[\s-]+{_UNIT}"
_LEAD = (r"(?:about|around|approximately|approx\.?|roughly|nearly|almost|over|under|more than|less than|"
         r"fewer than|at least|at most|up to|within|another|an additional|the|the first|the last|the next|"
         r"the past|the previous|the following|the remaining|for|after|every|each)")
_DURATION = re.compile(
    rf"(?i)^(?:{_LEAD}\s+)*{_QUANTITY}(?:,?\s+(?:and\s+)?{_QUANTITY})*(?:\s+(?:long|later|earlier|ago))?$")
_TRIM = " \t\n.,;:'’\"()"


_WEEKDAY = weekday_pattern(plural=True)
_MONTH = month_pattern()
_PART_OF_DAY = r"(?:morning|afternoon|evening|night|noon|midday|midnight|lunchtime|overnight)s?"
_CLOCK = r"(?:(?:[01]?\d|2[0-3])[:.h][0-5]\d(?::[0-5]\d)?(?:\s?[ap]\.?m\.?)?|(?:1[0-2]|0?[1-9])\s?[ap]\.?m\.?|noon|midnight)"
_ORDINAL = r"(?:first|second|third|fourth|last|other|alternate|\d(?:st|nd|rd|th))"
_FREQUENCY = (rf"(?:every|each|once|twice|three times|on alternate|alternate|biweekly|fortnightly|weekly|"
              rf"daily|nightly|monthly|quarterly|yearly|annually|hourly|per|a|an)")
_TIME_WORD = rf"(?:{_WEEKDAY}|{_MONTH}|{_PART_OF_DAY}|{_CLOCK}|{_UNIT}|{_FREQUENCY}|{_ORDINAL}|day|week|month|year)"
_LINK = r"(?:on|in|at|by|from|to|until|till|through|and|or|of|the|this|that|next|last|coming|early|mid|late|"  \
        r"every|each|between|around|about|before|after|-|–|,|&)"
# Only time words and the words that join them, with no date-like number: a schedule or a time of day.
# Checked token by token (one anchored match each), so no input can make the check backtrack.
_UNDATED_TOKEN = re.compile(rf"(?i)(?:{_LINK}|{_TIME_WORD})")
_TOKENS = re.compile(r"[-–,&]|[^\s,&–-]+(?:[ \t]?[ap]\.?m\.?\b)?")
_ORDINAL_DAY_OF_MONTH = re.compile(
    rf"(?i)\b(?:[12]?\d|3[01])(?:st|nd|rd|th)\b(?:[\s,]+(?:of[\s]+)?)(?:{_MONTH})\b"
    rf"|\b(?:{_MONTH})\.?[\s,]+(?:the[\s]+)?(?:[12]?\d|3[01])(?:st|nd|rd|th)\b")
_HAS_DATE_NUMBER = re.compile(r"(?<![:.\dh])\b\d{1,4}\b(?![:.h]\d|\s?[ap]\.?m\b|(?:st|nd|rd|th)\b)")


def is_duration(value: str) -> bool:
    return bool(_DURATION.match(value.strip(_TRIM)))


def dates_no_one(value: str) -> bool:
    """A duration, a schedule, a weekday or month alone, a clock time: no date of a person in it."""
    value = value.strip(_TRIM)
    if is_duration(value):
        return True
    if _HAS_DATE_NUMBER.search(value):
        return False  # a month or a weekday with a number, "1992": a day or a year
    if _ORDINAL_DAY_OF_MONTH.search(value):
        return False  # "the 3rd of <month>", "<month> 8th": a day of a month, though no year
    tokens = _TOKENS.findall(value)
    return bool(tokens) and all(_UNDATED_TOKEN.fullmatch(t.strip()) for t in tokens)


# 24-hour clock times written as four digits, as shifts and charts do: "0700", "1900-0700". A year is
# never written with a leading zero; "at 2000" reads as a time, as the year pattern also rules.
_HHMM = r"(?:[01]\d|2[0-3])[0-5]\d"
_MILITARY_TIME = re.compile(rf"{_HHMM}(?:[ \t]?[-–][ \t]?{_HHMM})?")
_AT = re.compile(r"(?i)(?:\bat|@)[ \t]*$")
_NAME_OR_NUMBER_AFTER = re.compile(r"[ \t]+[A-Z0-9]")


def is_military_time(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    if not _MILITARY_TIME.fullmatch(value):
        return False
    if any(part.strip().startswith("0") for part in re.split("[-–]", value)):
        return True
    return (len(value) == 4 and _AT.search(text, max(0, start - 6), start) is not None
            and not _NAME_OR_NUMBER_AFTER.match(text, end))  # "at 2035 Harbour Road": a building number


# A year in the title of a public instrument dates no one: "the Data Protection Act
# 2018", "the Act of 1998", "Council Directive 93/13" is not a date at all.
_INSTRUMENT_BEFORE = re.compile(
    r"(?<![\w-])(?:Act|Acts|Regulations?|Rules|Order|Code|Directive|"
    r"Convention|Ordinance|Statute|Bill|Law|Treaty|Charter|Guidelines?)(?:[ \t]+of)?[ \t]*,?[ \t]*\(?$")
_YEAR = re.compile(r"\(?(?:1[6-9]|20)\d\d\)?")


def is_year_of_an_instrument(text: str, start: int, end: int) -> bool:
    return bool(_YEAR.fullmatch(text[start:end]) and _INSTRUMENT_BEFORE.search(text, max(0, start - 80), start))


# Durations a cue ties to a person's penalty (`redaction.recognizers.convictions`): not a time word.
_PENALTY_DETECTORS = frozenset({"CustodialSentenceRecognizer"})


def drop_time_words(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    return [[d for d in dets if not (d.entity_type == "DATE_TIME" and d.detector not in _PENALTY_DETECTORS and (
                dates_no_one(text[d.start:d.end]) or is_military_time(text, d.start, d.end)
                or is_year_of_an_instrument(text, d.start, d.end)))]
            for text, dets in zip(texts, detections)]
