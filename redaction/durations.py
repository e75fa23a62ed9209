"""Durations are not dates: "48 hours", "a 14-day course", "more than 30 minutes" identify no one.

spaCy's NER labels them DATE/TIME, and redacting them blanks what a reader needs most in clinical
notes and contracts (how long a drug is taken, how long a non-compete lasts). HIPAA's date element
is a date tied to a person, never a span of time; ages stay with the AGE recognizer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def is_duration(value: str) -> bool:
    return bool(_DURATION.match(value.strip(_TRIM)))


def drop_durations(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    return [[d for d in dets if not (d.entity_type == "DATE_TIME" and is_duration(text[d.start:d.end]))]
            for text, dets in zip(texts, detections)]
