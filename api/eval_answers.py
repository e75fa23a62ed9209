"""`veil eval answers`: every answer mode over the same questions, in a throw-away collection.

The documents go through the real pipeline (parse, redact, chunk, embed) into a temporary data
directory, never the user's store; each question is asked once per mode, and each mode is timed
end to end (retrieval included). `redact=False` skips redaction only, so two runs show how much of
the gap to the gold is redaction and how much retrieval; `gold_in_store` is the ceiling either way:
the share of questions whose gold answer is readable in some stored chunk.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from api.eval_common import eval_pipeline
from core.errors import VeilError
from core.settings import Settings
from generation.answering import MODES, Mode
from generation.evaluation import AutoTally, ModeTally, QAItem, gold_in_store
from generation.router import Router
from ingest.pipeline import iter_sources

COLLECTION = "eval"


def evaluate_answers(settings: Settings, items: Sequence[QAItem], docs: Path,
                     modes: Sequence[Mode] = MODES, say: Callable[[str], None] | None = None,
                     redact: bool = True, policy: str = "default") -> dict:
    """`policy`: the throw-away collection's redaction policy (`redaction.policies`); `redact` False
    skips redaction altogether."""
    from api.wiring import build_veil, throwaway_settings

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    if not docs.is_dir():
        raise VeilError(f"--docs {docs} is not a folder")
    with tempfile.TemporaryDirectory(prefix="veil-eval-") as tmp:
        veil = build_veil(_unbudgeted(throwaway_settings(settings, Path(tmp))))
        try:
            veil.pipeline.policies.set(COLLECTION, policy)
            _ingest(eval_pipeline(veil, redact), docs, say)
            ceiling = gold_in_store([chunk.text for chunk in veil.store.iter_chunks(COLLECTION)], items)
            tallies, auto = _ask(veil, items, modes, say)
        finally:
            veil.close()
    report = {"questions": len(items), "redacted": redact, "policy": policy, "gold_in_store": ceiling,
              "default": veil.answerer.default_mode,
              "modes": {mode: tally.summary() for mode, tally in tallies.items()}}
    return report | ({"auto": auto.summary()} if auto else {})


def _unbudgeted(settings: Settings) -> Settings:
    """An evaluation escalates every question on purpose: the daily privacy budget would stop it
    part-way. The egress guard and pseudonymiser still apply to every request."""
    escalation = settings.escalation.model_copy(update={"daily_escalations": 10**9, "daily_entities": 10**12})
    return settings.model_copy(update={"escalation": escalation})


def _ingest(pipeline, docs: Path, say) -> None:
    sources = list(iter_sources([docs]))
    failed = 0
    for n, source in enumerate(sources, start=1):
        failed += pipeline.ingest_file(source.path, COLLECTION, source.name).status == "failed"
        if n % 10 == 0 or n == len(sources):
            say(f"ingested {n}/{len(sources)} documents ({failed} failed)")
    if failed == len(sources):
        raise VeilError(f"no document in {docs} could be ingested")


def _ask(veil, items: Sequence[QAItem], modes: Sequence[Mode], say) -> tuple[dict[str, ModeTally], AutoTally | None]:
    """Every mode per question; with escalation configured, `external` too, and how often policy
    `auto` (judged on the default mode's answer) picks the route whose answer holds the gold."""
    escalating = veil.escalator is not None
    tallies = {mode: ModeTally() for mode in [*modes, *(["external"] if escalating else [])]}
    router = Router(veil.settings.escalation)
    auto = AutoTally() if escalating else None
    for n, item in enumerate(items, start=1):
        local = None
        for mode in modes:
            started = time.perf_counter()
            answer, signals = veil.answerer.assess(item.question, COLLECTION, mode=mode, logprobs=escalating)
            tallies[mode].add(answer, item, (time.perf_counter() - started) * 1000)
            local = (answer, signals) if mode == veil.answerer.default_mode else local
        if escalating:
            started = time.perf_counter()
            external = veil.answerer.answer(item.question, COLLECTION, escalate=True)
            tallies["external"].add(external, item, (time.perf_counter() - started) * 1000)
            if local is not None:
                auto.add(bool(router.weaknesses(local[1])), local[0], external, item)
        if n % 10 == 0 or n == len(items):
            say(f"asked {n}/{len(items)} questions")
    return tallies, auto
