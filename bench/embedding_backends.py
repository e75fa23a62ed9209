"""The packaged MiniLM on the two backends Veil ships, same run: torch and ONNX int8 — speed and quality.

    .venv/bin/python bench/embedding_backends.py ../shared/data/retrieval/scifact [--rounds 3] [--json]

`onnx-int8` is exactly what `embedding.kind: onnx` runs (`retrieval/onnx_embedder.py`): the model's
transformer exported by `scripts/install.sh` (`retrieval/onnx_export.py`, TorchScript exporter, opset
17), its MatMul weights quantised to int8 per channel (activations uint8 at run time, onnxruntime's
dynamic quantisation, as optimum's `avx512_vnni` config), run by onnxruntime with the model's tokenizer
and truncation, mean-pooled and L2-normalised, in length-sorted batches. Per-tensor weights (the
defaults) moved the vectors ten times further from torch's. Everything is offline.

1. Throughput: the first `--throughput-docs` corpus documents, `--rounds` times, the backends'
   order rotating each round; median chunks/s (and chars/s), ratio to torch.
2. Query latency: `--latency-queries` questions embedded one at a time (what a search does), median and
   p95 milliseconds per backend, same rotation.
3. Quality: dense retrieval (cosine over every corpus document, no redaction: the comparison is
   between backends of one model, so nothing else changes) → nDCG@10 and recall@100 on the split's
   judged queries, plus the cosine distance between each backend's vectors and torch's (max, mean).
4. Verdict (issue 25): ONNX may become the default only if its nDCG@10 is within 0.01 of torch's and
   its median query latency is not above torch's; `faster` says whether bulk throughput gains ≥ 5%.

Progress goes to stderr; the last stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

import numpy as np  # noqa: E402

from core.settings import load_settings  # noqa: E402
from retrieval.evaluation import load_beir, ndcg_at, recall_at  # noqa: E402

BACKENDS = ("torch", "onnx-int8")
NDCG_TOLERANCE = 0.01
MIN_SPEED_UP = 1.05
Encode = Callable[[Sequence[str]], np.ndarray]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_model(model_path: str | None):
    from sentence_transformers import SentenceTransformer

    from retrieval.sentence_transformers import packaged_minilm_path

    path = model_path or packaged_minilm_path()
    return path, SentenceTransformer(path, device="cpu", local_files_only=True)


# -- encoders --------------------------------------------------------------------------------------

def torch_encoder(model, batch_size: int) -> Encode:
    def encode(texts: Sequence[str]) -> np.ndarray:
        return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                            show_progress_bar=False).astype(np.float32)

    return encode


def shipped_onnx_encoder(model_dir: str | None) -> Encode:
    """What `embedding.kind: onnx` runs: the int8 export scripts/install.sh made (retrieval.onnx_embedder)."""
    from retrieval.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(model_dir).embed_documents


# -- measurements ----------------------------------------------------------------------------------

def throughput(encoders: dict[str, Encode], texts: list[str], rounds: int) -> dict:
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    names = list(encoders)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]  # each backend goes first once in a while
        for name in order:
            started = time.perf_counter()
            encoders[name](texts)
            seconds[name].append(time.perf_counter() - started)
            log(f"  throughput round {r + 1}/{rounds} {name}: {len(texts) / seconds[name][-1]:.1f} chunks/s")
    chars = sum(map(len, texts))
    out = {name: {"seconds": [round(s, 2) for s in runs], "median_s": round(statistics.median(runs), 2),
                  "chunks_per_s": round(len(texts) / statistics.median(runs), 2),
                  "chars_per_s": round(chars / statistics.median(runs), 0)} for name, runs in seconds.items()}
    for name in out:
        out[name]["speed_vs_torch"] = round(out[name]["chunks_per_s"] / out["torch"]["chunks_per_s"], 3)
    return out


def query_latency(encoders: dict[str, Encode], queries: list[str], rounds: int) -> dict:
    """Milliseconds to embed one question, the way a search does."""
    times: dict[str, list[float]] = {name: [] for name in encoders}
    names = list(encoders)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            for query in queries:
                started = time.perf_counter()
                encoders[name]([query])
                times[name].append((time.perf_counter() - started) * 1000)
    out = {name: {"median_ms": round(statistics.median(ms), 2),
                  "p95_ms": round(statistics.quantiles(ms, n=20)[18], 2)} for name, ms in times.items()}
    for name in out:
        out[name]["vs_torch"] = round(out[name]["median_ms"] / out["torch"]["median_ms"], 3)
    log(f"  query latency: {out}")
    return out


def retrieval_quality(vectors: np.ndarray, doc_ids: list[str], query_vectors: np.ndarray, beir) -> dict:
    scores = query_vectors @ vectors.T
    top = np.argsort(-scores, axis=1)[:, :100]
    ndcg, recall = [], []
    for q, qid in enumerate(beir.queries):
        ranking = [doc_ids[i] for i in top[q]]
        ndcg.append(ndcg_at(ranking, beir.qrels[qid], 10))
        recall.append(recall_at(ranking, beir.qrels[qid], 100))
    return {"ndcg@10": round(float(np.mean(ndcg)), 4), "recall@100": round(float(np.mean(recall)), 4)}


def cosine_distance(a: np.ndarray, b: np.ndarray) -> dict:
    distance = np.clip(1.0 - np.sum(a * b, axis=1), 0.0, None)  # rounding gives tiny negatives
    return {"max": float(f"{distance.max():.3g}"), "mean": float(f"{distance.mean():.3g}")}


def quality(encoders: dict[str, Encode], beir) -> dict:
    doc_ids = list(beir.corpus)
    docs, queries = [beir.corpus[d] for d in doc_ids], list(beir.queries.values())
    vectors, out = {}, {}
    for name, encode in encoders.items():
        started = time.perf_counter()
        vectors[name] = (encode(docs), encode(queries))
        seconds = time.perf_counter() - started
        out[name] = {**retrieval_quality(vectors[name][0], doc_ids, vectors[name][1], beir),
                     "corpus_and_queries_s": round(seconds, 1)}
        log(f"  quality {name}: {out[name]}")
    for name in encoders:
        out[name]["ndcg_delta_vs_torch"] = round(out[name]["ndcg@10"] - out["torch"]["ndcg@10"], 4)
        if name != "torch":
            out[name]["cosine_distance_to_torch"] = {"documents": cosine_distance(vectors[name][0], vectors["torch"][0]),
                                                     "queries": cosine_distance(vectors[name][1], vectors["torch"][1])}
    return out


def verdict(speed: dict, latency: dict, scores: dict) -> dict:
    out = {}
    for name in speed:
        if name == "torch":
            continue
        delta = scores[name]["ndcg_delta_vs_torch"]
        holds, faster = abs(delta) <= NDCG_TOLERANCE, speed[name]["speed_vs_torch"] >= MIN_SPEED_UP
        no_slower = latency[name]["median_ms"] <= latency["torch"]["median_ms"]
        out[name] = {"within_0.01": holds, "query_latency_holds": no_slower, "faster": faster,
                     "adopt": holds and no_slower and faster}
    return out


def limited(beir, corpus_limit: int | None):
    """Smoke tests: the first N documents plus every judged one (nDCG then reads high: fewer distractors)."""
    if corpus_limit is None:
        return beir
    from dataclasses import replace

    judged = {d for rel in beir.qrels.values() for d in rel}
    keep = [d for i, d in enumerate(beir.corpus) if i < corpus_limit or d in judged]
    return replace(beir, corpus={d: beir.corpus[d] for d in keep})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("beir", type=Path, help="a BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
    parser.add_argument("--split", default="test")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--throughput-docs", type=int, default=512)
    parser.add_argument("--latency-queries", type=int, default=100)
    parser.add_argument("--corpus-limit", type=int, help="smoke test: first N documents plus the judged ones")
    parser.add_argument("--json", action="store_true", help="stdout: the JSON summary only")
    args = parser.parse_args()

    import onnxruntime
    import torch

    settings = load_settings()
    batch_size, threads = settings.embedding.batch_size, torch.get_num_threads()
    beir = limited(load_beir(args.beir, args.split), args.corpus_limit)
    path, model = load_model(settings.embedding.model)
    encoders = {"torch": torch_encoder(model, batch_size), "onnx-int8": shipped_onnx_encoder(None)}
    for encode in encoders.values():
        encode(["warm-up sentence"] * 4)
    texts = list(beir.corpus.values())[:args.throughput_docs]
    log(f"throughput: {len(texts)} documents, {args.rounds} rounds")
    speed = throughput(encoders, texts, args.rounds)
    latency = query_latency(encoders, list(beir.queries.values())[:args.latency_queries], args.rounds)
    log(f"quality: {len(beir.corpus)} documents, {len(beir.queries)} queries")
    scores = quality(encoders, beir)
    result = {"model": path, "beir": beir.name, "split": args.split, "corpus_docs": len(beir.corpus),
              "corpus_limit": args.corpus_limit, "queries": len(beir.queries), "batch_size": batch_size,
              "threads": threads, "onnxruntime": onnxruntime.__version__, "torch": torch.__version__,
              "max_seq_length": model.max_seq_length,
              "throughput_docs": len(texts), "rounds": args.rounds, "throughput": speed,
              "query_latency": latency, "quality": scores, "verdict": verdict(speed, latency, scores)}
    if not args.json:
        print_table(result)
    print(json.dumps(result))


def print_table(result: dict) -> None:
    print(f"{'backend':<10} {'chunks/s':>9} {'vs torch':>9} {'query ms':>9} {'nDCG@10':>8} {'Δ':>8} {'R@100':>7}  "
          "cos dist docs (max/mean)")
    for name, speed in result["throughput"].items():
        q = result["quality"][name]
        dist = q.get("cosine_distance_to_torch", {}).get("documents")
        print(f"{name:<10} {speed['chunks_per_s']:>9.2f} {speed['speed_vs_torch']:>9.3f} "
              f"{result['query_latency'][name]['median_ms']:>9.2f} {q['ndcg@10']:>8.4f} "
              f"{q['ndcg_delta_vs_torch']:>+8.4f} {q['recall@100']:>7.4f}  "
              + (f"{dist['max']:.2g} / {dist['mean']:.2g}" if dist else "-"))
    print(f"verdict: {result['verdict']}")


if __name__ == "__main__":
    main()
