"""Answer quality as DESIGN.md defines it, per answer mode.

*contains gold*: a gold answer, lower-cased with punctuation and spaces normalised, appears in the
answer; *gold in citations*: it appears in a cited chunk; *F1*: SQuAD's token F1 against the best gold.
Citation marks are removed first: "[1]" is no answer token. An "I don't know" (nothing relevant, a
withheld answer, the model's own) counts in `idk_rate`.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import VeilError
from core.types import Answer
from generation.citations import MARK
from generation.grounding import IDK
from generation.prompts import NO_ANSWER, UNSUPPORTED_ANSWER

_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class QAItem:
    question: str
    answers: tuple[str, ...]


def load_questions(path: Path) -> list[QAItem]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(QAItem(str(row["question"]), tuple(str(a) for a in row["answers"])))
        except (ValueError, KeyError, TypeError):
            raise VeilError(f"{path.name} line {number}: expected {{\"question\": str, \"answers\": [str, ...]}}") from None
    if not items:
        raise VeilError(f"{path.name} holds no questions")
    return items


def normalise(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", MARK.sub(" ", text).lower()).split())


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    norm = f" {normalise(text)} "
    return any(f" {normalise(a)} " in norm for a in answers if normalise(a))


def token_f1(text: str, answers: Sequence[str]) -> float:
    def f1(gold: str) -> float:
        got, want = normalise(text).split(), normalise(gold).split()
        common = sum((Counter(got) & Counter(want)).values())
        if not common:
            return 0.0
        precision, recall = common / len(got), common / len(want)
        return 2 * precision * recall / (precision + recall)

    return max((f1(a) for a in answers), default=0.0)


def gold_in_store(chunk_texts: Sequence[str], items: Sequence[QAItem]) -> float:
    """The ceiling: the share of questions whose gold answer is readable in some stored chunk (after
    redaction, when the collection was redacted). No answer mode can cite what is not stored."""
    normalised = [f" {normalise(text)} " for text in chunk_texts]
    golds = [[f" {normalise(a)} " for a in item.answers if normalise(a)] for item in items]
    found = sum(any(g in text for g in gold for text in normalised) for gold in golds)
    return round(found / len(items), 4) if items else 0.0


def is_idk(answer: Answer) -> bool:
    return answer.answer in {NO_ANSWER, UNSUPPORTED_ANSWER} or bool(IDK.search(answer.answer))


@dataclass
class ModeTally:
    contains: int = 0
    in_citations: int = 0
    idk: int = 0
    f1: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    def add(self, answer: Answer, item: QAItem, latency_ms: float) -> None:
        self.contains += contains_gold(answer.answer, item.answers)
        self.in_citations += any(contains_gold(c.text, item.answers) for c in answer.citations)
        self.idk += is_idk(answer)
        self.f1 += token_f1(answer.answer, item.answers)
        self.latencies_ms.append(latency_ms)

    def summary(self) -> dict:
        n = len(self.latencies_ms) or 1
        return {"contains_gold": round(self.contains / n, 4), "f1": round(self.f1 / n, 4),
                "gold_in_citations": round(self.in_citations / n, 4), "idk_rate": round(self.idk / n, 4),
                "latency_ms": {"p50": round(percentile(self.latencies_ms, 50), 1),
                               "p95": round(percentile(self.latencies_ms, 95), 1)}}


@dataclass
class AutoTally:
    """Policy `auto` picks right when it escalates exactly where only the external answer holds the
    gold, and stays local otherwise (local is cheaper and keeps every byte at home)."""

    asked: int = 0
    escalated: int = 0
    right: int = 0
    external_used: int = 0

    def add(self, escalates: bool, local: Answer, external: Answer, item: QAItem) -> None:
        local_ok, external_ok = contains_gold(local.answer, item.answers), contains_gold(external.answer, item.answers)
        should = external_ok and not local_ok
        self.asked += 1
        self.escalated += escalates
        self.right += escalates == should
        self.external_used += external.route == "external"

    def summary(self) -> dict:
        n = self.asked or 1
        return {"escalated": round(self.escalated / n, 4), "picked_right": round(self.right / n, 4),
                "external_answered": round(self.external_used / n, 4)}


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1])
