"""Merging: what a whole document says about its detections.

Detectors see one text at a time; this stage sees the document. It drops what the document shows
is not personal data (durations, schedules and clock times, credentials after a name, capitalised common words,
one-word guesses in shorthand notes, clinical abbreviations in clinical text, public institutions, abbreviations it defines from ordinary words),
lets the learned span filter (`span_filter`) weigh the guesses the rules kept, then spreads what is left
to every other occurrence. Labels are settled when overlaps merge
(`redaction.spans.merge_overlaps`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from redaction.refine.abbreviations import drop_defined_abbreviations
from redaction.refine.clinical_terms import drop_clinical_abbreviations, is_clinical
from redaction.refine.common_words import drop_common_words
from redaction.refine.credentials import drop_credentials
from redaction.refine.time_words import drop_time_words
from redaction.refine.institutions import keep_institutions
from redaction.refine.propagation import propagate
from redaction.refine.shorthand import drop_shorthand_guesses
from redaction.refine.span_filter import drop_unlikely_guesses
from redaction.spans import Detection


def document_pass(texts: Sequence[str], detections: Sequence[Sequence[Detection]],
                  lowercase_evidence: Collection[str] = (), originals: Sequence[str] | None = None,
                  learned: bool = True) -> list[list[Detection]]:
    """texts and their detections belong to ONE document. `lowercase_evidence`: words the rest of the
    document, unseen here, writes in lower case (the egress guard reads chunks, not documents).
    `originals`: the texts as written, where `texts` is a re-cased copy. `learned`: whether the learned
    span filter may drop guesses (not for text leaving the machine: see `DocumentRedactor.detections`)."""
    kept = ruled(texts, detections, lowercase_evidence)
    if learned:
        kept = drop_unlikely_guesses(texts, kept, originals)
    return propagate(texts, kept)


def ruled(texts: Sequence[str], detections: Sequence[Sequence[Detection]],
          lowercase_evidence: Collection[str] = ()) -> list[list[Detection]]:
    """What the rules keep: the candidates the learned span filter then weighs (and is trained on)."""
    kept = keep_institutions(texts, drop_credentials(texts, drop_time_words(texts, detections)))
    kept = drop_common_words(texts, drop_defined_abbreviations(texts, kept), lowercase_evidence,
                             clinical=is_clinical(texts))
    return drop_shorthand_guesses(texts, drop_clinical_abbreviations(texts, kept))
