"""A generated answer must rest on its citations: small local models invent doses, amounts and names.

The checks are literal and cheap, run on the answer as the model wrote it (prompt numbering), against
the text of the sources it cites (all of its prompt's sources when it cites none) and the question:

- every figure it states (placeholders and citation marks aside) is in that text, separators ignored
  ("EUR 42,318.50" and "42318.50" agree): a dose, an amount or a date cannot be invented;
- every placeholder it names is in that text: no invented or mixed-up person;
- it is not a run of placeholders ("<PERSON_1>, <PERSON_2>, <PERSON_3>") that says nothing, nor
  placeholders wrapped in filler ("The answer is in the sources: <LOCATION_3> [1]");
- most of its content words appear there: a drug or a party that no source mentions is not slipped in;
- it cites only sources that exist.

Each failed check is a reason, worded without the answer's values: reasons reach the logs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from core.sentences import sentences
from generation.citations import MARK, cited_numbers
from generation.placeholders import PLACEHOLDER

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]{3,}")
_PLACEHOLDER_RUN = re.compile(r"<[A-Z_]+_\d+>(?:[\s,;/&]*(?:and\s+|or\s+)?<[A-Z_]+_\d+>){2,}")
STEM = 5  # "infected" and "infection" agree: compare words by their first letters
MIN_SUPPORTED_WORDS = 0.6
IDK = re.compile(r"\bI (?:do not|don't) know\b", re.IGNORECASE)


def figures(text: str) -> set[str]:
    text = MARK.sub(" ", PLACEHOLDER.sub(" ", text))
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def unsupported_figures(answer: str, question: str, sources: Sequence[str]) -> set[str]:
    known = figures(question).union(*(figures(s) for s in sources))
    return figures(answer) - known


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"answer", "source", "sources", "question"}


def content_stems(text: str) -> set[str]:
    text = MARK.sub(" ", PLACEHOLDER.sub(" ", text))
    return {w.lower()[:STEM] for w in _WORD.findall(text) if w.lower() not in _stop_words()}


def supported_share(answer: str, known_text: str) -> float:
    words = content_stems(answer)
    return len(words & content_stems(known_text)) / len(words) if words else 1.0


def attribute(answer: str, sources: Sequence[str]) -> str:
    """Cite an answer that cites nothing: each sentence gets the source sharing most of its content
    words (the higher-ranked source on a tie). Base models rarely write citation marks themselves."""
    source_words = [content_stems(s) | figures(s) for s in sources]
    out = []
    for piece in sentences(answer):  # they cover the answer: joined, they give it back
        words = content_stems(piece) | figures(piece)
        best = max(range(len(sources)), key=lambda i: (len(words & source_words[i]), -i), default=None)
        body = piece.rstrip()
        mark = f" [{best + 1}]" if best is not None and words & source_words[best] else ""
        end = body[-1] if body and body[-1] in ".!?" else ""
        out.append(f"{body[:len(body) - len(end)]}{mark}{end}{piece[len(body):]}" if mark else piece)
    return "".join(out) if out else answer


def only_placeholders(answer: str) -> bool:
    """Placeholders and nothing else of substance: no content word, no figure beside them."""
    return bool(_placeholders(answer)) and not content_stems(answer) and not figures(answer)


def _placeholders(text: str) -> set[str]:
    return {m.group() for m in PLACEHOLDER.finditer(text)}


def grounding_problems(answer: str, question: str, sources: Sequence[str]) -> list[str]:
    """Why `answer` is not supported by its cited `sources` (numbered from 1); empty when it is."""
    if not answer.strip():
        return ["the model gave no answer"]
    cited = cited_numbers(answer)
    if any(not 1 <= n <= len(sources) for n in cited):
        return ["it cites a source the prompt did not hold"]
    used = [sources[n - 1] for n in cited] or list(sources)
    known = "\n".join([question, *used])
    problems = []
    if _PLACEHOLDER_RUN.search(answer):
        problems.append("it is a run of placeholders")
    elif only_placeholders(answer):
        problems.append("its content is only placeholders")
    if invented := unsupported_figures(answer, question, used):
        problems.append(f"{len(invented)} figure(s) not in the cited text")
    if unknown := _placeholders(answer) - _placeholders(known):
        problems.append(f"{len(unknown)} placeholder(s) not in the cited text")
    if not IDK.search(answer) and supported_share(answer, known) < MIN_SUPPORTED_WORDS:
        problems.append("most of its words are not in the cited text")
    return problems
