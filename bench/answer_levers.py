"""Sentence-choice levers of the extractive answer, measured on one QA set's pools of hits, same run.

    .venv/bin/python bench/answer_levers.py ../shared/data/qa/covid-qa-dev/qa.jsonl \
        --docs ../shared/data/qa/covid-qa-dev/docs [--data-dir DIR]

The documents are ingested once through Veil's pipeline (default redaction policy) into DIR (a
temporary folder unless given; a DIR that holds them is reused), each question's pool of hits (the
2×top_k the answerer quotes from) is fetched once, and every variant chooses its quotes from those same
pools, as `Answerer` does. Reported per variant: contains gold (the answer) and gold in citations
(the cited passages), beside the share of questions with the gold in the top 1/2/4/8 hits (what
citing the pool itself would give). Variants change one module constant of `generation.extractive`
or add a passage prior (the hit's fused score, min-max scaled over the pool) to each sentence's score.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

import generation.extractive as extractive  # noqa: E402
from api.wiring import build_veil, throwaway_settings  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.types import LOCAL_ADMIN  # noqa: E402
from generation.answering import QUOTE_POOL  # noqa: E402
from generation.evaluation import contains_gold, load_questions  # noqa: E402
from ingest.pipeline import iter_sources  # noqa: E402

COLLECTION = "eval"
CONSTANTS = [("DEFINITION_WEIGHT", 0.0), ("DEFINITION_WEIGHT", 0.3), ("FOCUS_WEIGHT", 0.3), ("SECOND_QUOTE_WITHIN", 0.8), ("LEXICAL_WEIGHT", 0.3), ("LEXICAL_WEIGHT", 0.8)]
PRIORS = [0.05, 0.1, 0.2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    items = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="veil-levers-") as tmp:
        veil = build_veil(throwaway_settings(Settings(), args.data_dir or Path(tmp)))
        try:
            if veil.store.count(COLLECTION) == 0:
                for source in iter_sources([args.docs]):
                    veil.pipeline.ingest_file(source.path, COLLECTION, source.name)
            k = veil.settings.retrieval.top_k
            pools = [veil.answerer._find(item.question, COLLECTION, k * QUOTE_POOL, LOCAL_ADMIN).hits for item in items]
            report = {"questions": len(items), "gold_in_top": {
                n: _share(items, [p[:n] for p in pools]) for n in (1, 2, k, k * QUOTE_POOL)}}
            extractor = extractive.SentenceExtractor(veil.answerer._extractor._embedder)
            report["current"] = _measure(extractor, items, pools)
            for name, value in CONSTANTS:
                report[f"{name}={value}"] = _with_constant(name, value, lambda: _measure(extractor, items, pools))
            for weight in PRIORS:
                report[f"passage prior {weight}"] = _measure(extractor, items, pools, prior=weight)
        finally:
            veil.close()
    print(json.dumps(report))


def _share(items, passages) -> float:
    return round(sum(any(contains_gold(h.text, it.answers) for h in hits) for it, hits in zip(items, passages))
                 / len(items), 3)


def _with_constant(name: str, value: float, measure):
    kept = getattr(extractive, name)
    setattr(extractive, name, value)
    try:
        return measure()
    finally:
        setattr(extractive, name, kept)


def _measure(extractor, items, pools, prior: float = 0.0) -> dict:
    contains, cited = 0, []
    for item, pool in zip(items, pools):
        quotes = _quotes(extractor, item.question, pool, prior)
        order = list(dict.fromkeys(q.hit for q in quotes))
        numbers = {hit: n for n, hit in enumerate(order, start=1)}
        answer = extractive.quoted_answer(quotes, pool, numbers) if quotes else ""
        contains += contains_gold(answer, item.answers)
        cited.append([pool[i] for i in order] if quotes else pool[: max(1, len(pool) // QUOTE_POOL)])
    return {"contains_gold": round(contains / len(items), 3), "gold_in_citations": _share(items, cited)}


def _quotes(extractor, question, pool, prior: float):
    """The extractor's quotes; with `prior`, each sentence also scores its hit's scaled fused score."""
    if not prior or not pool:
        return extractor.quotes(question, pool)
    scores = np.array([h.score for h in pool])
    scaled = (scores - scores.min()) / ((scores.max() - scores.min()) or 1.0)
    overlap = extractive._word_overlap

    def with_prior(q, texts):  # the lexical term is the hook: it sees the candidates in order
        spans = [(i, s, e) for i, h in enumerate(pool) for s, e in extractive._quotable(h.text)]
        return overlap(q, texts) + (prior / extractive.LEXICAL_WEIGHT) * np.array([scaled[i] for i, _, _ in spans],
                                                                                  dtype=np.float32)
    extractive._word_overlap = with_prior
    try:
        return extractor.quotes(question, pool)
    finally:
        extractive._word_overlap = overlap


if __name__ == "__main__":
    main()
