"""The egress guard: the last look at text before it leaves the machine.

It re-runs storage's detection (same detector, entities, threshold and document pass) over the
exact texts of an outbound request, paragraph by paragraph as storage reads a document's
elements. A detection counts for the letters and digits it covers outside placeholders:
`<PERSON_2>` itself is what is meant to leave. Two differences from storage, both because the
guard reads fragments of documents that storage already read whole:
- placeholders are shown to the detectors with their type letters blanked (`<ID_NUMBER_1>` as
  `<XX_XXXXXX_1>`): Veil's own markup must not act as a context word ("NUMBER" beside a digit
  run read as a phone number); `<PERSON_n>` stays, so "<PERSON_2>, MD" is still a credential;
- a proper-noun guess made only of ordinary words that no census list has as a name ("the
  Company", "Conditions of Approval") does not count: storage drops such guesses when the document
  uses the words in lower case, evidence a fragment lacks; general-language frequency stands in;
- that evidence travels with each stored chunk (`Chunk.common_words`: its capitalised words the
  whole document also writes in lower case), and the caller hands it over: with it a heading such
  as "Loan Terms" is judged as storage judged it, even though "Loan" is also a given name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from core.placeholders import PLACEHOLDER
from redaction.redactor import DocumentRedactor
from redaction.refine.common_words import PROPER_NOUN_TYPES, ordinary_phrase
from redaction.spans import Detection, merge_overlaps

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class EgressGuard:
    def __init__(self, redactor: DocumentRedactor) -> None:
        self._redactor = redactor

    def findings(self, texts: Sequence[str], common_words: Collection[str] = ()) -> dict[str, int]:
        """`common_words`: words the sources' documents write in lower case (storage's evidence), handed
        to the document pass as storage had the whole document."""
        paragraphs = [p for text in texts for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
        shown = [_blank_placeholder_types(p) for p in paragraphs]
        found: Counter[str] = Counter()
        for text, detections in zip(paragraphs, self._redactor.detections(shown, common_words)):
            inside = _placeholder_mask(text)
            for det in merge_overlaps(detections):
                if _outside_placeholders(text, det, inside) and not _ordinary_guess(text, det):
                    found[det.entity_type] += 1
        return dict(found)


def _blank_placeholder_types(text: str) -> str:
    def blank(match: re.Match) -> str:
        kind = match.group(1)
        return match.group() if kind == "PERSON" else f"<{re.sub(r'[A-Z]', 'X', kind)}_{match.group(2)}>"

    return PLACEHOLDER.sub(blank, text)


def _placeholder_mask(text: str) -> list[bool]:
    mask = [False] * len(text)
    for match in PLACEHOLDER.finditer(text):
        mask[match.start():match.end()] = [True] * (match.end() - match.start())
    return mask


def _outside_placeholders(text: str, det: Detection, inside: list[bool]) -> bool:
    return any(ch.isalnum() and not inside[i] for i, ch in enumerate(text[det.start:det.end], det.start))


def _ordinary_guess(text: str, det: Detection) -> bool:
    return det.entity_type in PROPER_NOUN_TYPES and ordinary_phrase(PLACEHOLDER.sub(" ", text[det.start:det.end]))
