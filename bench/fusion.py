"""Fusion of the dense and BM25 rankings, every fusion on the same rankings in one run.

    .venv/bin/python bench/fusion.py ../shared/data/retrieval/scifact [--no-redact] [--rankings FILE]

Ingests the BEIR set once through the real pipeline (like `veil eval retrieval`), reads each query's
dense and BM25 rankings (top 100 chunks, with scores) from the real store, then fuses them with every
fusion in `retrieval.fusion` and reports nDCG@10 and recall@100 beside dense and BM25 alone. A document
scores as its best chunk. `--rankings FILE` keeps the rankings (written once, read on later runs), so the
fusions can be compared without ingesting again. It also reports, per fusion, the share of queries
where it scores below the better of its two parts, and the mean nDCG@10 on each half of the queries
(odd and even positions): a fusion that wins on one half only was fitted, not general.
The last stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from retrieval.evaluation import best_chunk_ranking, load_beir, ndcg_at, recall_at  # noqa: E402
from retrieval.fusion import FUSIONS  # noqa: E402

DEPTH = 100


def dump_rankings(folder: Path, redact: bool) -> dict:
    from api.eval_common import eval_pipeline
    from api.eval_retrieval import COLLECTION, _ingest
    from api.wiring import build_veil, throwaway_settings
    from core.settings import load_settings
    from core.types import LOCAL_ADMIN, SearchQuery

    beir = load_beir(folder)
    settings = load_settings()
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="veil-fusion-") as tmp:
        veil = build_veil(throwaway_settings(settings, Path(tmp)))
        try:
            beir_ids = _ingest(eval_pipeline(veil, redact), beir, say)
            queries = {}
            for query_id, text in beir.queries.items():
                vector = veil.embedder.embed_query(text)
                queries[query_id] = {mode: [(h.chunk_id, beir_ids.get(h.doc_id, h.doc_id), h.score) for h in
                                            veil.store.search(SearchQuery(vector, COLLECTION, DEPTH, text, mode,
                                                                          LOCAL_ADMIN))]
                                     for mode in ("dense", "bm25")}
        finally:
            veil.close()
    return {"dataset": beir.name, "redacted": redact, "qrels": beir.qrels, "queries": queries}


def evaluate(rankings: dict) -> dict:
    per_query: dict[str, list[float]] = {}
    recall: dict[str, list[float]] = {}
    for query_id, lists in rankings["queries"].items():
        relevant = rankings["qrels"][query_id]
        doc_of = {chunk: doc for mode in lists.values() for chunk, doc, _ in mode}
        orders = {mode: [doc for _, doc, _ in hits] for mode, hits in lists.items()}
        parts = [[(chunk, score) for chunk, _, score in lists[m]] for m in ("dense", "bm25")]
        for name, fuse in FUSIONS.items():
            orders[name] = [doc_of[chunk] for chunk, _ in fuse(parts)]
        for name, order in orders.items():
            ranking = best_chunk_ranking(order)
            per_query.setdefault(name, []).append(ndcg_at(ranking, relevant))
            recall.setdefault(name, []).append(recall_at(ranking, relevant))
    best_part = [max(d, b) for d, b in zip(per_query["dense"], per_query["bm25"])]
    return {"dataset": rankings["dataset"], "redacted": rankings["redacted"], "queries": len(best_part),
            "ndcg@10": {n: _mean(v) for n, v in per_query.items()},
            "ndcg@10 odd / even queries": {n: [_mean(v[0::2]), _mean(v[1::2])] for n, v in per_query.items()},
            "recall@100": {n: _mean(v) for n, v in recall.items()},
            "share below its best part": {n: _mean([v < b - 1e-9 for v, b in zip(per_query[n], best_part)])
                                          for n in FUSIONS}}


def _mean(values) -> float:
    return round(statistics.fmean(values), 4) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("beir_dir", type=Path)
    parser.add_argument("--no-redact", action="store_true")
    parser.add_argument("--rankings", type=Path, help="keep the rankings here (reused when present)")
    args = parser.parse_args()
    if args.rankings and args.rankings.is_file():
        rankings = json.loads(args.rankings.read_text())
    else:
        rankings = dump_rankings(args.beir_dir, not args.no_redact)
        if args.rankings:
            args.rankings.write_text(json.dumps(rankings))
    summary = evaluate(rankings)
    for key, value in summary.items():
        if isinstance(value, dict):
            print(f"{key}: " + ", ".join(f"{n} {v}" for n, v in value.items()))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
