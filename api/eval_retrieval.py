"""`veil eval retrieval`: dense, BM25 and hybrid on a BEIR folder, in one throw-away collection.

The corpus goes through the real pipeline (parse, redact, chunk, embed) into a temporary data dir;
`redact=False` skips redaction only, so the difference is what redaction costs retrieval.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from core.settings import Settings
from api.eval_common import eval_pipeline
from core.types import LOCAL_ADMIN, SearchQuery
from generation.evaluation import percentile
from retrieval.evaluation import BeirSet, best_chunk_ranking, ndcg_at, recall_at

COLLECTION = "eval"
MODES = ("dense", "bm25", "hybrid")
CHUNK_DEPTH = 300  # chunks read per query, enough for 100 distinct documents on BEIR corpora


def evaluate_retrieval(settings: Settings, beir: BeirSet, split: str, redact: bool = True,
                       say: Callable[[str], None] | None = None) -> dict:
    from api.wiring import build_veil, throwaway_settings

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory(prefix="veil-eval-") as tmp:
        veil = build_veil(throwaway_settings(settings, Path(tmp)))
        try:
            beir_ids = _ingest(eval_pipeline(veil, redact), beir, say)
            result = _search(veil, beir, beir_ids, settings.retrieval.mode, say)
        finally:
            veil.close()
    return {"dataset": beir.name, "split": split, "queries": len(beir.queries), "redacted": redact} | result


def _ingest(pipeline, beir: BeirSet, say) -> dict[str, str]:
    """Ingest every corpus document as text; returns Veil doc id -> BEIR doc id."""
    beir_ids, failed = {}, 0
    for n, (doc_id, text) in enumerate(beir.corpus.items(), start=1):
        result = pipeline.ingest_bytes(text.encode("utf-8"), name=f"{doc_id}.txt", source_key=f"beir:{doc_id}",
                                       collection=COLLECTION)
        failed += result.status == "failed"
        beir_ids[result.doc_id] = doc_id
        if n % 500 == 0 or n == len(beir.corpus):
            say(f"ingested {n}/{len(beir.corpus)} documents ({failed} failed)")
    return beir_ids


def _search(veil, beir: BeirSet, beir_ids: dict[str, str], default_mode: str, say) -> dict:
    ndcg = {m: [] for m in MODES}
    recall = {m: [] for m in MODES}
    latencies = []
    for n, (query_id, text) in enumerate(beir.queries.items(), start=1):
        relevant = beir.qrels[query_id]
        started = time.perf_counter()
        vector = veil.embedder.embed_query(text)
        embed_s = time.perf_counter() - started
        for mode in MODES:
            started = time.perf_counter()
            hits = veil.store.search(SearchQuery(vector, COLLECTION, CHUNK_DEPTH, text, mode, LOCAL_ADMIN))
            if mode == default_mode:
                latencies.append((embed_s + time.perf_counter() - started) * 1000)
            ranking = best_chunk_ranking([beir_ids.get(h.doc_id, h.doc_id) for h in hits])
            ndcg[mode].append(ndcg_at(ranking, relevant))
            recall[mode].append(recall_at(ranking, relevant))
        if n % 100 == 0 or n == len(beir.queries):
            say(f"searched {n}/{len(beir.queries)} queries")
    return {"ndcg@10": {m: _mean(v) for m, v in ndcg.items()}, "recall@100": {m: _mean(v) for m, v in recall.items()},
            "latency_ms": {"mode": default_mode, "p50": round(percentile(latencies, 50), 1),
                           "p95": round(percentile(latencies, 95), 1)}}


def _mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 4) if values else 0.0
