"""The length of a custodial sentence, justified by a CUE: "sentenced her to nine years and four
months' imprisonment", "a sentence of 11 years", "a 7 year sentence".

A prison term is part of a criminal conviction, which data-protection law treats as a category of
its own (GDPR Art. 10): together with the court and the year it points to one person. Other
durations ("within two months", "for three years") date no one and stay readable
(`redaction.refine.time_words`); only a duration the cue ties to a penalty is kept by that refiner.
"""

from __future__ import annotations

import re

from redaction.recognizers.base import RegexRecognizer

_NUMBER = (r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
           r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|twenty-five|thirty|forty|fifty)")
_UNIT = r"(?:years?|months?|weeks?|days?)"
_TERM = rf"{_NUMBER}[ \t-]+{_UNIT}"
_DURATION = rf"{_TERM}(?:,?[ \t]+and[ \t]+{_TERM})?"
_PENALTY = r"(?:imprisonment|detention|custody|prison|jail|incarceration|sentence|penal[ \t]+servitude)"


class CustodialSentenceRecognizer(RegexRecognizer):
    """The duration after "sentenced … to" or "a sentence of", or before "imprisonment"/"sentence"."""

    ENTITY = "DATE_TIME"
    PATTERN = re.compile(
        rf"(?i)\b(?:sentenced(?:[ \t]+[\w’'-]+){{0,3}}?[ \t]+to|sentences?[ \t]+of)[ \t]+(?P<value>{_DURATION})\b"
        rf"|\b(?P<value2>{_DURATION})(?=['’]?s?['’]?[ \t]+{_PENALTY}\b)")
    SCORE = 0.6
