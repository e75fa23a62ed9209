"""The form every placeholder takes in stored text: `<TYPE_N>` (for example `<PERSON_3>`).

A document may already hold text of that shape ("see <PERSON_1> below", a form template, a prank).
Stored as it is, it could not be told from a real placeholder: an answer, a reader or the vault would
take it for one. `neutralise` rewrites such look-alikes in parsed text *before* redaction, so every
`<TYPE_N>` in the store is one Veil made: `<PERSON_1>` becomes `‹PERSON_1›` (single guillemets, the
same length, so offsets hold). Lower-case, spaced and hash-operator look-alikes are caught too.
"""

import re

PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*?)_(\d+)>")
# `<TYPE_N>`, `<type_n>`, `< PERSON _ 1 >`, `<PERSON#3f2a9c1b>` (the hash operator's form); bounded, so linear.
LOOKALIKE = re.compile(r"<(\s{0,3}[A-Za-z][A-Za-z_]{0,63}?\s{0,3}(?:_\s{0,3}\d{1,12}|#\s{0,3}[0-9A-Fa-f]{1,64})\s{0,3})>")
NEUTRAL_OPEN, NEUTRAL_CLOSE = "\u2039", "\u203a"  # ‹ and ›


def neutralise(text: str) -> str:
    """Placeholder look-alikes in text from outside, made visibly different: `<PERSON_1>` -> `‹PERSON_1›`."""
    if "<" not in text:
        return text
    return LOOKALIKE.sub(lambda m: f"{NEUTRAL_OPEN}{m.group(1)}{NEUTRAL_CLOSE}", text)
