"""Month and weekday names, full and abbreviated, as lists and as regular expressions.

A month or a weekday alone dates no one (redaction keeps them readable); with a day or a year it
makes a date. Lower case; the pattern helpers return regex source, to be used case-insensitively
unless `capitalised` is asked for.
"""

from __future__ import annotations

from core.vocabulary.patterns import alternation

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
# Full month names of other languages whose forms Veil reads (fr, de, nl, it, es,
# pt) that English does not share: with a day number before them they make a date.
OTHER_LANGUAGE_MONTHS = (
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre "
    "januar februar märz maerz juni juli oktober dezember "
    "januari februari maart mei augustus "
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre dicembre "
    "enero febrero abril mayo junio julio septiembre setiembre octubre noviembre diciembre "
    "janeiro fevereiro março marco maio junho julho setembro outubro dezembro"
).split()
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
# A weekday's name without its "day" ("wednes", "satur"): notes write the stem with or without it.
_WEEKDAY_STEMS = tuple(day.removesuffix("day") for day in WEEKDAYS)


def month_words(abbreviated: bool = True) -> frozenset[str]:
    return frozenset(MONTHS + (MONTH_ABBREVIATIONS if abbreviated else ()))


def weekday_words(abbreviated: bool = True) -> frozenset[str]:
    return frozenset(WEEKDAYS + (WEEKDAY_ABBREVIATIONS if abbreviated else ()))


def calendar_words(abbreviated: bool = True) -> frozenset[str]:
    """Every month and weekday name."""
    return month_words(abbreviated) | weekday_words(abbreviated)


def month_pattern(abbreviated: bool = True, capitalised: bool = False) -> str:
    """A group matching one month name (full or, with `abbreviated`, its abbreviation); no boundaries."""
    words = month_words(abbreviated)
    return alternation(w.capitalize() for w in words) if capitalised else alternation(words)


def weekday_pattern(plural: bool = False) -> str:
    """A group matching one weekday, full, abbreviated or as its stem ("wednes"), "day" optional;
    with `plural` a trailing "s" too (schedules name weekdays in the plural)."""
    return f"(?:{alternation(_WEEKDAY_STEMS + WEEKDAY_ABBREVIATIONS)}(?:day)?{'s?' if plural else ''})"
