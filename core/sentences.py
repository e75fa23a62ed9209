"""The one sentence splitter: chunking packs its sentences, answers quote them, citations attach to them.

English Punkt (NLTK) with the model that llama-index-core ships inside its wheel (`_static/nltk_cache`):
never downloaded, and loaded by path so no other NLTK data directory can change the result. Punkt cuts
only at whitespace after a ".", "!" or "?", and reads the word before the cut (an abbreviation such as
a title or "e.g." does not end a sentence) and the word after (a placeholder such as <PERSON_1> does not
start one after an abbreviation). A cut therefore never falls inside a word, a decimal ("2.5 mg") or a
placeholder. Lines are boundaries as well where the caller's text is made of lines (`sentence_starts`,
`sentence_spans`): a document's elements, list items and table rows are joined by newlines.

Loaded on first use: NLTK takes a moment to import.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from core.vocabulary.calendar_words import MONTH_ABBREVIATIONS
from core.vocabulary.honorifics import ABBREVIATED_TITLES

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# Abbreviations that (almost) never end a sentence in the documents Veil reads, beside those the
# packaged English model knows ("St.", "etc." ...): month names and titles come from the vocabulary.
EXTRA_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "cf", "al", "approx", "fig", "figs", "no", "nos", "pp", "vol", "vols", "dept",
    "tel", "ext", "apt", "m.d", "mt",
}) | frozenset(MONTH_ABBREVIATIONS) | frozenset(ABBREVIATED_TITLES)
MIN_QUOTABLE_CHARS = 12  # shorter pieces ("1.", "Page 3") carry no answer on their own
_LINE = re.compile(r"[^\n]+")
_LINE_START = re.compile(r"\n\s*(\S)")


def nltk_data() -> Path:
    """llama-index-core's bundled NLTK data, found without importing llama-index (about 2 s)."""
    spec = find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("llama-index-core is not installed: its wheel holds the English Punkt model")
    return Path(next(iter(spec.submodule_search_locations))) / "_static" / "nltk_cache"


@cache
def tokenizer() -> PunktSentenceTokenizer:
    """English Punkt plus EXTRA_ABBREVIATIONS. (llama-index's own default is an *untrained* Punkt: it
    knows no abbreviation and cuts after a title's full stop.)"""
    import nltk
    from nltk.data import FileSystemPathPointer
    from nltk.tokenize.punkt import PunktSentenceTokenizer, load_punkt_params

    data = nltk_data()
    if str(data) not in nltk.data.path:  # NLTK refuses to open files outside its data path
        nltk.data.path.append(str(data))
    params = load_punkt_params(FileSystemPathPointer(str(data / "tokenizers" / "punkt_tab" / "english")))
    params.abbrev_types |= EXTRA_ABBREVIATIONS
    return PunktSentenceTokenizer(params)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Punkt's (start, end) of each sentence of `text`, in order; newlines are not cuts."""
    return list(tokenizer().span_tokenize(text))


def sentences(text: str) -> list[str]:
    """Sentences that cover `text` exactly, whitespace included (concatenated, they give `text` back)."""
    starts = [start for start, _ in sentence_bounds(text)]
    bounds = [0, *starts[1:], len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def sentence_starts(text: str) -> list[int]:
    """Where sentences and lines begin in `text`."""
    starts = {start for start, _ in sentence_bounds(text)}
    return sorted(starts | {m.start(1) for m in _LINE_START.finditer(text)})


def sentence_spans(text: str, min_chars: int = MIN_QUOTABLE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of each sentence, line by line, in order; pieces under `min_chars` are left out.
    A chunk's lines (list items, table rows, headings) are answers on their own ("Apixaban 5 mg daily")."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        for start, end in sentence_bounds(line.group()):
            piece = line.group()[start:end]
            start = line.start() + start + len(piece) - len(piece.lstrip())
            end = line.start() + end - (len(piece) - len(piece.rstrip()))
            if end - start >= min_chars:
                spans.append((start, end))
    return spans
