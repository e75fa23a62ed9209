"""A learned last word on guesses: drop a guessed span that its own shape and context say is not personal.

Rules read one kind of evidence each; this reads them together. A logistic regression over a guess's
features — which detector, which label, how the span is written (case, digits, length), how often
general English writes its words (`redaction.words.zipf`), whether census or world name lists know
them (`redaction.name_evidence`), whether they are clinical abbreviations, the frequent words and
punctuation around it, whether the document is clinical or was written in capitals — gives the
probability that the span is personal data; a guess under `threshold` is dropped before propagation.

What it may drop: only guesses (`SCOPE_TYPES` from the detectors that guess, never a checksum,
format, label or cue). What it reads: never the span's own words, only their frequency and
name-list evidence, and context words only when general English writes them often (Zipf ≥
`CONTEXT_ZIPF`), so a name in the training data cannot become a feature.

The weights (`span_filter.json`, 25 KB) are rebuilt by `scripts/train_span_filter.py` from the dev
splits of the real-text PII sets (nursing notes, court judgments); the figures it publishes are on
the held-out splits it never saw (README, "Measured redaction quality and speed").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.vocabulary.clinical import ABBREVIATION_TOKEN, is_clinical_abbreviation
from redaction.name_evidence import is_probable_name
from redaction.recognizers import GUESSING_DETECTORS
from redaction.refine.clinical_terms import is_clinical
from redaction.refine.common_words import follows_honorific
from redaction.spans import Detection
from redaction.words import zipf

MODEL_PATH = Path(__file__).with_name("span_filter.json")
SCOPE_TYPES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP", "DATE_TIME"})
# Guessers made for genres the training sets lack (chats, e-mails: lower-case names, a name that
# opens a line): nursing notes and judgments would teach the filter only that they are wrong there.
UNTRAINED_GENRE_DETECTORS = frozenset({"LowercaseNameRecognizer", "VocativeNameRecognizer"})
CONTEXT_ZIPF = 4.5  # "to", "with", "at", "seen", "hospital": words any text has, never a name
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class DocumentTraits:
    """What the whole document says about every guess in it."""

    clinical: bool
    capitals: bool  # written in capitals (read through a re-cased copy)


def traits(texts: Sequence[str], originals: Sequence[str] | None = None) -> DocumentTraits:
    capitals = originals is not None and any(t != o for t, o in zip(texts, originals))
    return DocumentTraits(is_clinical(texts), capitals)


def in_scope(detection: Detection) -> bool:
    return (detection.detector in GUESSING_DETECTORS and detection.detector not in UNTRAINED_GENRE_DETECTORS
            and detection.entity_type in SCOPE_TYPES)


def features(text: str, detection: Detection, document: DocumentTraits) -> list[str]:
    """The guess's features as strings (one-hot): shape, lexicon evidence, context, document."""
    kind, det = detection.entity_type, detection.detector
    span = text[detection.start:detection.end]
    own = _span_features(span) + _context_features(text, detection)
    doc = ["doc:clinical"] * document.clinical + ["doc:capitals"] * document.capitals
    base = [f"type:{kind}", f"det:{det}", f"type*det:{kind}*{det}", f"score:{round(detection.score, 1)}"]
    crossed = [f"{kind}*{f}" for f in own + doc] + [f"{det}*{f}" for f in doc]
    return base + own + doc + crossed


def _span_features(span: str) -> list[str]:
    words = _WORD.findall(span)
    if not words:
        return ["span:no-words"]
    found = [f"words:{min(len(words), 4)}", f"case:{_case(span)}"]
    if _DIGIT.search(span):
        found.append("span:all-digits" if all(w.isdigit() for w in words) else "span:digits")
    letters = [w for w in words if w.isalpha()]
    if letters:
        rarest = min(zipf(w) for w in letters)
        commonest = max(zipf(w) for w in letters)
        found += [f"zipf-min:{_bucket(rarest)}", f"zipf-max:{_bucket(commonest)}",
                  f"short:{min(len(w) for w in letters) <= 3}"]
        names = sum(is_probable_name(w) for w in letters)
        found.append("names:all" if names == len(letters) else "names:some" if names else "names:none")
        tokens = ABBREVIATION_TOKEN.findall(span)
        clinical = sum(is_clinical_abbreviation(t) for t in tokens)
        if clinical:
            found.append("clinical:all" if clinical == len(tokens) else "clinical:some")
    return found


def _context_features(text: str, detection: Detection) -> list[str]:
    before = text[max(0, detection.start - 60):detection.start]
    after = text[detection.end:detection.end + 60]
    previous = _WORD.findall(before)[-1:] or [""]
    following = _WORD.findall(after)[:1] or [""]
    found = [f"prev:{_context_word(previous[0])}", f"next:{_context_word(following[0])}",
             f"char-before:{_char_class(before.rstrip(' ')[-1:])}", f"char-after:{_char_class(after.lstrip(' ')[:1])}"]
    if follows_honorific(text, detection):
        found.append("after-honorific")
    if _written_lower_elsewhere(text, text[detection.start:detection.end]):
        found.append("written-lower-elsewhere")
    return found


def _written_lower_elsewhere(text: str, span: str) -> bool:
    """The span's words also stand in lower case as words of their own (not inside an e-mail address
    or a URL, which spell names in lower case)."""
    lowered = span.lower()
    if len(lowered) <= 2 or lowered == span:
        return False
    at = text.find(lowered)
    while at >= 0:  # str.find, not a regex per span: this runs for every guess of every document
        before, after = text[at - 1:at] if at else "", text[at + len(lowered):at + len(lowered) + 2]
        if not _joins_word(before, before_span=True) and not _joins_word(after, before_span=False):
            return True
        at = text.find(lowered, at + 1)
    return False


def _joins_word(chars: str, before_span: bool) -> bool:
    """Whether the characters beside an occurrence make it part of a longer word, an address or a URL."""
    if not chars:
        return False
    if before_span:
        return chars.isalnum() or chars in "_.@/-"
    return chars[0].isalnum() or chars[0] in "_@" or (chars[0] == "." and chars[1:2].isalnum())


def _context_word(word: str) -> str:
    if not word:
        return "<none>"
    if word.isdigit():
        return "<number>"
    if word.isalpha() and zipf(word) >= CONTEXT_ZIPF:
        return word.lower()
    return "<capitalised>" if word[:1].isupper() else "<rare>"


def _char_class(char: str) -> str:
    if not char:
        return "<edge>"
    if char == "\n":
        return "<newline>"
    return char if not char.isalnum() else "<alnum>"


def _case(span: str) -> str:
    letters = [c for c in span if c.isalpha()]
    if not letters:
        return "none"
    if all(c.isupper() for c in letters):
        return "upper"
    if all(c.islower() for c in letters):
        return "lower"
    words = [w for w in _WORD.findall(span) if w[:1].isalpha()]
    return "title" if all(w[0].isupper() for w in words) else "mixed"


def _bucket(value: float) -> str:
    return str(min(6, max(0, int(value))))


@dataclass(frozen=True)
class SpanModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, found: list[str]) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in found)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@cache
def span_model() -> SpanModel | None:
    """The trained weights; None where they were never built (every guess is then kept)."""
    if not MODEL_PATH.exists():
        return None
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return SpanModel(raw["weights"], raw["bias"], raw["threshold"])


def drop_unlikely_guesses(texts: Sequence[str], detections: Sequence[Sequence[Detection]],
                          originals: Sequence[str] | None = None) -> list[list[Detection]]:
    """texts (read by the detectors) and their detections belong to one document; `originals`: the
    texts as written, where re-casing changed them."""
    model = span_model()
    if model is None or not any(in_scope(d) for dets in detections for d in dets):
        return [list(d) for d in detections]
    document = traits(texts, originals)
    return [[d for d in dets if not in_scope(d) or model.probability(features(text, d, document)) >= model.threshold]
            for text, dets in zip(texts, detections)]
