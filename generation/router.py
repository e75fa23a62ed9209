"""Which model answers: the local one, or the closed one through redacted escalation.

Per collection (`escalation.policies`, else `escalation.default_policy`):
- never: restricted data never leaves, whatever the caller asks;
- on_request: only when the caller asks (`--escalate`, `"escalate": true`);
- auto: when the caller asks, or when a measurable signal says the local answer is weak.

Signals are numbers Veil measured, never words a document contains: a passage that says
"escalate this" is data, and cannot move the route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.settings import EscalationSettings


@dataclass(frozen=True)
class Signals:
    top_score: float  # the best passage's dense cosine
    unsure: bool  # the local answer was withheld, or found no answer in the sources
    quote_score: float | None = None  # extractive mode: the best quoted sentence's score
    mean_logprob: float | None = None  # generative mode: the answer's mean token log-probability


@dataclass(frozen=True)
class Decision:
    escalate: bool
    reason: str = ""  # empty for the ordinary local answer nobody asked to escalate


class Router:
    def __init__(self, settings: EscalationSettings) -> None:
        self._settings = settings

    def decide(self, collection: str, asked: bool, signals: Callable[[], Signals]) -> Decision:
        """`signals` is called only when the policy needs them (auto, not asked)."""
        if not self._settings.enabled:
            return Decision(False, "escalation was asked for but is not configured" if asked else "")
        policy = self._settings.policy_for(collection)
        if policy == "never":
            return Decision(False, f"collection {collection!r} never escalates (policy never)")
        if asked:
            return Decision(True, "escalation asked for")
        if policy == "on_request":
            return Decision(False)
        weak = self.weaknesses(signals())
        return Decision(True, "auto: " + "; ".join(weak)) if weak else Decision(
            False, "auto: the local answer looks sound")

    def weaknesses(self, signals: Signals) -> list[str]:
        auto = self._settings.auto
        weak = []
        if signals.top_score < auto.min_top_score:
            weak.append(f"the best passage is a weak match ({signals.top_score:.2f} < {auto.min_top_score})")
        if auto.when_unsure and signals.unsure:
            weak.append("the local answer was withheld or found none")
        if signals.quote_score is not None and signals.quote_score < auto.min_quote_score:
            weak.append(f"the best quoted sentence scores {signals.quote_score:.2f} < {auto.min_quote_score}")
        if signals.mean_logprob is not None and signals.mean_logprob < auto.min_mean_logprob:
            weak.append(f"the local model was unsure (mean log-probability {signals.mean_logprob:.2f} "
                        f"< {auto.min_mean_logprob})")
        return weak
