"""Whole numbers in English words, one to a hundred and nineteen (the range of a person's age): the
pattern the age recognizer reads after its cues, and their value for a policy that keeps ages under 90
readable ("ninety-four" is 94)."""

from __future__ import annotations

import re

_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_VALUE = ({w: i for i, w in enumerate(_UNITS, 1)} | {w: i for i, w in enumerate(_TEENS, 10)}
          | {w: 10 * i for i, w in enumerate(_TENS, 2)})

_UNDER_A_HUNDRED = rf"(?:(?:{'|'.join(_TENS)})(?:[ -](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|{'|'.join(_UNITS)})"
NUMBER_IN_WORDS = rf"(?:(?:(?:one|a)[ -])?hundred(?:[ -](?:and[ -])?{_UNDER_A_HUNDRED})?|{_UNDER_A_HUNDRED})"
_NUMBER_IN_WORDS = re.compile(NUMBER_IN_WORDS, re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")


def number_in_words(text: str) -> int | None:
    """The value of a number written in words ("ninety-four" → 94, "a hundred and one" → 101), or None."""
    if not _NUMBER_IN_WORDS.fullmatch(text.strip()):
        return None
    words = [w for w in _WORD.findall(text.lower()) if w not in ("a", "and")]
    if "hundred" in words:
        rest = words[words.index("hundred") + 1:]
        return 100 + sum(_VALUE[w] for w in rest)
    return sum(_VALUE[w] for w in words)
