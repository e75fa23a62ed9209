"""`veil eval answers`: every answer mode over the same questions, in a throw-away collection.

The documents go through the real pipeline (parse, redact, chunk, embed) into a temporary data
directory, never the user's store; each question is asked once per mode, and each mode is timed
end to end (retrieval included).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from core.errors import VeilError
from core.settings import Settings
from generation.answering import MODES, Mode
from generation.evaluation import ModeTally, QAItem
from ingest.pipeline import iter_sources

COLLECTION = "eval"


def evaluate_answers(settings: Settings, items: Sequence[QAItem], docs: Path,
                     modes: Sequence[Mode] = MODES, say: Callable[[str], None] | None = None) -> dict:
    from api.wiring import build_veil, throwaway_settings

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    if not docs.is_dir():
        raise VeilError(f"--docs {docs} is not a folder")
    with tempfile.TemporaryDirectory(prefix="veil-eval-") as tmp:
        veil = build_veil(throwaway_settings(settings, Path(tmp)))
        try:
            _ingest(veil, docs, say)
            tallies = _ask(veil, items, modes, say)
        finally:
            veil.close()
    return {"questions": len(items), "default": veil.answerer.default_mode,
            "modes": {mode: tally.summary() for mode, tally in tallies.items()}}


def _ingest(veil, docs: Path, say) -> None:
    sources = list(iter_sources([docs]))
    failed = 0
    for n, source in enumerate(sources, start=1):
        failed += veil.pipeline.ingest_file(source.path, COLLECTION, source.name).status == "failed"
        if n % 10 == 0 or n == len(sources):
            say(f"ingested {n}/{len(sources)} documents ({failed} failed)")
    if failed == len(sources):
        raise VeilError(f"no document in {docs} could be ingested")


def _ask(veil, items: Sequence[QAItem], modes: Sequence[Mode], say) -> dict[str, ModeTally]:
    tallies = {mode: ModeTally() for mode in modes}
    for n, item in enumerate(items, start=1):
        for mode in modes:
            started = time.perf_counter()
            answer = veil.answerer.answer(item.question, COLLECTION, mode=mode)
            tallies[mode].add(answer, item, (time.perf_counter() - started) * 1000)
        if n % 10 == 0 or n == len(items):
            say(f"asked {n}/{len(items)} questions")
    return tallies
