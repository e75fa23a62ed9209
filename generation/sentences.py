"""Sentence spans of a stored chunk, for quoting. Lines are split first: a chunk's elements (list items,
table rows, headings) are joined by newlines and are answers on their own ("Apixaban 5 mg twice daily").

spaCy's rule-based sentencizer on a blank English pipeline: its tokenizer keeps abbreviations ("e.g.",
"Dr.") and decimals in one token, so they do not end a sentence. No model is loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LINE = re.compile(r"[^\n]+")
MIN_CHARS = 12  # shorter pieces ("1.", "Page 3") carry no answer on their own


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_spans(text: str, min_chars: int = MIN_CHARS) -> list[tuple[int, int]]:
    """(start, end) of each sentence, stripped, in order; pieces under `min_chars` are left out."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        for sent in _sentencizer()(line.group()).sents:
            start, end = line.start() + sent.start_char, line.start() + sent.end_char
            piece = text[start:end]
            start += len(piece) - len(piece.lstrip())
            end -= len(piece) - len(piece.rstrip())
            if end - start >= min_chars:
                spans.append((start, end))
    return spans
