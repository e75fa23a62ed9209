"""The egress guard: the last look at text before it leaves the machine.

It re-runs storage's detection (same detector, entities, threshold and document pass) over the
exact texts of an outbound request. The request comes as pieces, each with its own evidence: a
source chunk with its document's `common_words`, the question or the instructions with none. Each
piece is read as a document of its own, paragraph by paragraph as storage reads a document's
elements, so one source's ordinary words never excuse another's names.

What the guard reports is not a verdict but a list: the caller pseudonymises those spans and asks
again; only a finding that survives that second pass blocks a request.

A detection counts only for its parts outside placeholders (`<PERSON_2>` itself is what is meant
to leave), each part judged on its own. Because the guard reads fragments of documents that
storage already read whole, and reads Veil's own markup beside them:
- placeholders are shown to the detectors with their type letters blanked (`<ID_NUMBER_1>` as
  `<XX_XXXXXX_1>`): Veil's markup must not act as a context word ("NUMBER" beside a digit run read
  as a phone number); `<PERSON_n>` stays, so "<PERSON_2>, MD" is still a credential;
- a detection that straddles a placeholder's edge ("IBAN <XXXX_XXXX" as one entity) was read off
  the markup: it never counts as such, only what it covers outside the placeholder is judged, less
  the marks that join it to the placeholder ("Velmar-" of "Velmar-<PERSON_1>" is "Velmar", so the
  token that replaces it is never glued to the placeholder), and for a proper-noun type only if a
  letter is left ("-2" of "<PERSON_1>-2" is no name);
- a field label beside a placeholder ("IBAN", "SSN", "Tel.", "DOB": `redaction.field_labels`) is
  the context of the value the placeholder replaced, not an entity;
- a proper-noun guess made only of ordinary words that no census list has as a name ("the
  Company", "Conditions of Approval") does not count: storage drops such guesses when the document
  uses the words in lower case, evidence a fragment lacks; general-language frequency stands in;
- that evidence travels with each stored chunk (`Chunk.common_words`: its capitalised words the
  whole document also writes in lower case), and the caller hands it over per piece: with it a
  heading such as "Loan Terms" is judged as storage judged it, even though "Loan" is also a given name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from core.placeholders import PLACEHOLDER
from redaction.field_labels import labels_a_placeholder
from redaction.redactor import DocumentRedactor
from redaction.refine.common_words import PROPER_NOUN_TYPES, ordinary_phrase
from redaction.spans import Detection, merge_overlaps

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LOOSE = frozenset(" \t\r\n,;:")


@dataclass(frozen=True)
class Findings:
    """What the guard found: `counts` per entity type (never values), and `spans` to pseudonymise,
    as (piece index, start, end, entity type) with offsets into that piece's text, in order."""

    counts: dict[str, int]
    spans: tuple[tuple[int, int, int, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.counts)


class EgressGuard:
    def __init__(self, redactor: DocumentRedactor) -> None:
        self._redactor = redactor

    def findings(self, pieces: Sequence[tuple[str, Collection[str]]]) -> Findings:
        """`pieces`: (text, common_words) in request order; `common_words` are the words that piece's
        document writes in lower case (storage's evidence), or empty."""
        counts: Counter[str] = Counter()
        spans: list[tuple[int, int, int, str]] = []
        for index, (text, common_words) in enumerate(pieces):
            for start, end, entity_type in self._piece_findings(text, common_words):
                counts[entity_type] += 1
                spans.append((index, start, end, entity_type))
        return Findings(dict(counts), tuple(spans))

    def _piece_findings(self, text: str, common_words: Collection[str]) -> Iterator[tuple[int, int, str]]:
        paragraphs = list(_paragraphs(text))
        if not paragraphs:
            return
        shown = [_blank_placeholder_types(p) for _, p in paragraphs]
        for (offset, paragraph), detections in zip(paragraphs, self._redactor.detections(shown, common_words)):
            for det in counted(paragraph, detections):
                yield offset + det.start, offset + det.end, det.entity_type


def counted(text: str, detections: Sequence[Detection]) -> list[Detection]:
    """The detections that count as personal data outside placeholders: each cut to its parts
    outside placeholders, merged, and judged (field labels beside a placeholder and ordinary-word
    guesses do not count)."""
    marks = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    parts = [part for det in detections for part in _outside_parts(text, det, marks)]
    return [det for det in merge_overlaps(parts)
            if not labels_a_placeholder(text, det.start, det.end) and not _ordinary_guess(text, det)]


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if text[start:end].strip():
            yield start, text[start:end]
        start = brk.end() if brk else end


def _outside_parts(text: str, det: Detection, marks: list[tuple[int, int]]) -> Iterator[Detection]:
    """`det` less the placeholders it touches, one Detection per stretch with a letter or digit
    (with a letter, for a proper-noun type), trimmed of the spaces and separators a cut leaves at
    its ends. At a cut, every mark that joins the stretch to the placeholder goes ("Velmar-" of
    "Velmar-<PERSON_1>" is "Velmar"): it belongs to neither, and a token put in the stretch's place must
    keep it, or the token is glued to the placeholder ("<NRP_1><PERSON_1>"), a shape the detectors
    misread as one more entity. What a cut leaves without a letter ("-2" of "<PERSON_1>-2") is no
    name, place or organisation: it only joined the detection through the placeholder."""
    cuts = [(max(s, det.start), min(e, det.end)) for s, e in marks if s < det.end and e > det.start]
    if not cuts:
        piece = _trimmed(text, det.start, det.end, False, False)
        if piece:
            yield Detection(det.entity_type, *piece, det.score, det.detector)
        return
    needs_letter = det.entity_type in PROPER_NOUN_TYPES
    start = det.start
    for cut_start, cut_end in [*cuts, (det.end, det.end)]:
        piece = _trimmed(text, start, cut_start, start > det.start, cut_start < det.end)
        if piece and (not needs_letter or any(ch.isalpha() for ch in text[piece[0]:piece[1]])):
            yield Detection(det.entity_type, *piece, det.score, det.detector)
        start = max(start, cut_end)


def _trimmed(text: str, start: int, end: int, cut_before: bool, cut_after: bool) -> tuple[int, int] | None:
    """`text[start:end]` less loose separators at its ends; at an end where a placeholder was cut
    off (`cut_before`, `cut_after`), less every character that is not a letter or digit."""
    while start < end and (text[start] in _LOOSE or cut_before and not text[start].isalnum()):
        start += 1
    while end > start and (text[end - 1] in _LOOSE or cut_after and not text[end - 1].isalnum()):
        end -= 1
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None


def _blank_placeholder_types(text: str) -> str:
    def blank(match: re.Match) -> str:
        kind = match.group(1)
        return match.group() if kind == "PERSON" else f"<{re.sub(r'[A-Z]', 'X', kind)}_{match.group(2)}>"

    return PLACEHOLDER.sub(blank, text)


def _ordinary_guess(text: str, det: Detection) -> bool:
    return det.entity_type in PROPER_NOUN_TYPES and ordinary_phrase(text[det.start:det.end])
