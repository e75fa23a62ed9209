"""Extractive answers: the sentences of the top hits that best answer the question, quoted verbatim.

A quote cannot state a dose, an amount or a name its source does not hold, which makes it the safe
answer for a small base model. A quote is a whole sentence (or a list item or table row that holds a
value): never the tail of a sentence the chunk boundary cut, a heading or title line, or an entry of a
reference list; and the same sentence is quoted once, however many chunks repeat it. Each sentence is scored by meaning (cosine between the question and the
sentence with the retrieval embedder) and by the question's content words it contains, weighted by
how rare they are among the candidate sentences (a word every sentence has tells nothing).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.sentences import sentence_spans
from core.types import Hit
from generation.grounding import content_stems, figures
from generation.injection import instruction_ranges, overlaps
from generation.placeholders import PLACEHOLDER
from generation.question import read_question
from retrieval.base import Embedder

MEANING_WEIGHT = 1.0
LEXICAL_WEIGHT = 0.5
ANSWER_TYPE_WEIGHT = 0.15  # the sentence holds the kind of value asked for (an amount, a dose, a date)
FOCUS_WEIGHT = 0.15
DEFINITION_WEIGHT = 0.15  # "The root cause was …" for "What was the root cause …" (`QuestionShape.defines_focus`)
TYPE_FILTER = 1  # the sentence names what the question is about, not only its topic
SECOND_QUOTE_WITHIN = 0.9  # a second sentence is quoted when it scores this close to the best
MAX_PLACEHOLDER_SHARE = 0.5  # sentences mostly made of placeholders answer nothing
MIN_WORDS = 4
_WORDS = re.compile(r"\b[^\W\d_]{2,}\b")
_URLISH = re.compile(r"\S*[/@]\S*")
_LINES = re.compile(r"[^\n]+")
_CLOSED = re.compile(r"""[.!?:;]["'\u201d\u2019)\]]*$""")  # ends as a sentence does
# A reference-list entry: a DOI, a PubMed id, or a citation's "year;volume(issue):pages".
_REFERENCE = re.compile(r"\b10\.\d{4,9}/\S|\bdoi\s*:|\bPMID\b|\b(?:1[89]|20)\d\d\s*;\s*\d+\s*(?:\([\w-]+\))?\s*:\s*\w?\d+",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    hit: int  # index into the hits
    start: int  # offsets in the hit's stored text
    end: int
    score: float


class SentenceExtractor:
    def __init__(self, embedder: Embedder, max_quotes: int = 2) -> None:
        self._embedder, self._max_quotes = embedder, max_quotes

    def quotes(self, question: str, hits: Sequence[Hit]) -> list[Quote]:
        """The best sentences, best first: one, or two when the runner-up scores nearly as well."""
        candidates = [(i, s, e) for i, h in enumerate(hits) for s, e in _quotable(h.text)]
        if not candidates:
            return []
        texts = [hits[i].text[s:e] for i, s, e in candidates]
        shape = read_question(question)
        typed = np.array([shape.expects(t) for t in texts], dtype=np.float32)
        scores = (MEANING_WEIGHT * self._meaning(question, texts) + LEXICAL_WEIGHT * _word_overlap(question, texts)
                  + ANSWER_TYPE_WEIGHT * typed
                  + FOCUS_WEIGHT * np.array([shape.names_focus(t) for t in texts], dtype=np.float32)
                  + DEFINITION_WEIGHT * np.array([shape.defines_focus(t) for t in texts], dtype=np.float32))
        if TYPE_FILTER and typed.any():  # "what dose": a sentence without a dose does not answer it
            scores = np.where(typed > 0, scores, -np.inf)
        ranked = [r for r in sorted(zip(scores.tolist(), candidates), key=lambda x: -x[0]) if r[0] > -np.inf]
        ranked = _distinct(ranked, lambda c: hits[c[0]].text[c[1]:c[2]])
        best = ranked[0][0]
        return [Quote(i, s, e, score) for n, (score, (i, s, e)) in enumerate(ranked[: self._max_quotes])
                if n == 0 or score >= SECOND_QUOTE_WITHIN * best > 0]

    def _meaning(self, question: str, texts: list[str]) -> np.ndarray:
        vectors = self._embedder.embed_documents(texts)
        return vectors @ self._embedder.embed_query(question)


def _quotable(text: str) -> list[tuple[int, int]]:
    """Sentences that may answer: whole, informative, and not addressing the model (`generation.injection`):
    a document's "ignore previous instructions" is never quoted as Veil's answer."""
    instructions = instruction_ranges(text)
    return [(s, e) for s, e in _whole(text, sentence_spans(text))
            if _informative(text[s:e]) and not overlaps((s, e), instructions)]


def _whole(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that are whole sentences. A chunk that opens in lower case opens mid-sentence (the
    boundary cut it), so its first piece is a tail; a piece that does not end as a sentence does is a
    heading, a title line or a cut-off head unless it holds a value (a list item or table row such as
    "Notice period: 3 months"); reference entries are bibliography, not answers."""
    opening = len(text) - len(text.lstrip())
    references = [m.span() for m in _LINES.finditer(text) if _REFERENCE.search(m.group())]
    kept = []
    for start, end in spans:
        piece = text[start:end]
        if start == opening and piece[:1].islower():
            continue
        if not _CLOSED.search(piece) and not (figures(piece) or PLACEHOLDER.search(piece)):
            continue
        if overlaps((start, end), references):  # the splitter cuts an entry at its initials
            continue
        kept.append((start, end))
    return kept


def _distinct(ranked: list, text_of) -> list:
    """`ranked` with each sentence once (its best-scored copy): overlapping chunks repeat sentences."""
    seen, kept = set(), []
    for score, candidate in ranked:
        key = " ".join(text_of(candidate).split()).casefold()
        if key not in seen:
            seen.add(key)
            kept.append((score, candidate))
    return kept


def _informative(sentence: str) -> bool:
    """Not mostly placeholders, and a few real words: a reference line or a URL answers nothing."""
    placeholder_chars = sum(len(m.group()) for m in PLACEHOLDER.finditer(sentence))
    words = _WORDS.findall(_URLISH.sub(" ", PLACEHOLDER.sub(" ", sentence)))
    return placeholder_chars <= MAX_PLACEHOLDER_SHARE * len(sentence) and len(words) >= MIN_WORDS


def _word_overlap(question: str, texts: list[str]) -> np.ndarray:
    """Share of the question's content words (IDF-weighted over the candidates) each sentence holds."""
    wanted = content_stems(question)
    stems = [content_stems(t) & wanted for t in texts]
    df = Counter(w for s in stems for w in s)
    idf = {w: math.log(1 + len(texts) / (1 + df[w])) for w in wanted}
    total = sum(idf.values()) or 1.0
    return np.array([sum(idf[w] for w in s) / total for s in stems], dtype=np.float32)


def quoted_answer(quotes: Sequence[Quote], hits: Sequence[Hit], numbers: dict[int, int]) -> str:
    """`"sentence" [n]` for each quote, in the order of the source text when they share a hit."""
    ordered = sorted(quotes, key=lambda q: (numbers[q.hit], q.start))
    return " ".join(f'"{hits[q.hit].text[q.start:q.end]}" [{numbers[q.hit]}]' for q in ordered)
