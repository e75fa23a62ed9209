"""The packaged MiniLM on three backends, same run: torch, ONNX (fp32) and ONNX int8 — speed and quality.

    .venv/bin/python bench/embedding_backends.py ../shared/data/retrieval/scifact [--rounds 3] [--json]

sentence-transformers' own `backend="onnx"` and `export_dynamic_quantized_onnx_model` need
`optimum-onnx`, whose only release (0.1.0) requires transformers < 4.58 and would replace the pinned
transformers 5.x, so this benchmark does the same thing with what is pinned: the model's transformer
is exported with `torch.onnx.export` (TorchScript exporter) into a temporary folder, run by
onnxruntime, then mean-pooled and L2-normalised as the model's Pooling and Normalize modules do,
with the model's own tokenizer and max_seq_length and the same length-sorted batches. The int8 model
is onnxruntime's dynamic quantisation of that export: MatMul weights symmetric int8 per channel,
activations uint8 at run time, as optimum's `avx512_vnni` dynamic config (the one sentence-transformers'
docs use) does; per-tensor weights moved the vectors ten times further from torch's (mean cosine
distance 0.063 against 0.005 on 256 SciFact documents). Everything is offline.

1. Throughput: the first `--throughput-docs` corpus documents, `--rounds` times, the backends'
   order rotating each round; median chunks/s (and chars/s), ratio to torch.
2. Quality: dense retrieval (cosine over every corpus document, no redaction: the comparison is
   between backends of one model, so nothing else changes) → nDCG@10 and recall@100 on the split's
   judged queries, plus the cosine distance between each backend's vectors and torch's (max, mean).
3. Verdict: adopt a backend only if its nDCG@10 is not more than 0.005 below torch's (a gain is no
   loss of quality; `within_0.005` says whether it is also inside the band both ways) and its median
   throughput is at least 5% above torch's (a smaller gain is run-to-run noise on a shared machine).

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

BACKENDS = ("torch", "onnx", "onnx-int8")
NDCG_TOLERANCE = 0.005
MIN_SPEED_UP = 1.05
Encode = Callable[[Sequence[str]], np.ndarray]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_model(model_path: str | None):
    from sentence_transformers import SentenceTransformer

    from retrieval.sentence_transformers import packaged_minilm_path

    path = model_path or packaged_minilm_path()
    return path, SentenceTransformer(path, device="cpu", local_files_only=True)


# -- export --------------------------------------------------------------------------------------

def export_onnx(model, folder: Path) -> Path:
    """The model's transformer (token embeddings out) as ONNX, dynamic batch and sequence axes."""
    import torch

    transformer = model[0].auto_model.eval()
    sample = {k: v for k, v in model.preprocess(["an example sentence", "another, longer example sentence"]).items()
              if isinstance(v, torch.Tensor)}
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs):
            return self.transformer(**dict(zip(names, inputs))).last_hidden_state

    path = folder / "model.onnx"
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "token_embeddings"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(TokenEmbeddings(), tuple(sample[n] for n in names), str(path), input_names=names,
                          output_names=["token_embeddings"], dynamic_axes=axes, opset_version=17, dynamo=False)
    return path


def quantise_int8(source: Path, folder: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path = folder / "model_qint8.onnx"
    quantize_dynamic(str(source), str(path), op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8,
                     per_channel=True, reduce_range=False)
    return path


# -- encoders --------------------------------------------------------------------------------------

def torch_encoder(model, batch_size: int) -> Encode:
    def encode(texts: Sequence[str]) -> np.ndarray:
        return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                            show_progress_bar=False).astype(np.float32)

    return encode


def onnx_encoder(model, onnx_path: Path, batch_size: int, threads: int) -> Encode:
    """The model's tokenizer → onnxruntime → mean pooling over the attention mask → L2 normalisation,
    in batches of similar length (as SentenceTransformer.encode sorts them)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    inputs = [i.name for i in session.get_inputs()]

    def encode(texts: Sequence[str]) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), model.get_embedding_dimension()), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            picked = order[start:start + batch_size]
            features = model.preprocess([texts[i] for i in picked])
            feed = {name: features[name].numpy() for name in inputs}
            tokens = session.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            out[picked] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out

    return encode


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


def verdict(speed: dict, scores: dict) -> dict:
    out = {}
    for name in speed:
        if name == "torch":
            continue
        delta = scores[name]["ndcg_delta_vs_torch"]
        holds, faster = delta >= -NDCG_TOLERANCE, speed[name]["speed_vs_torch"] >= MIN_SPEED_UP
        out[name] = {"quality_holds": holds, "within_0.005": abs(delta) <= NDCG_TOLERANCE, "faster": faster,
                     "adopt": holds and faster}
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
    parser.add_argument("--corpus-limit", type=int, help="smoke test: first N documents plus the judged ones")
    parser.add_argument("--json", action="store_true", help="stdout: the JSON summary only")
    args = parser.parse_args()

    import onnxruntime
    import torch

    settings = load_settings()
    batch_size, threads = settings.embedding.batch_size, torch.get_num_threads()
    beir = limited(load_beir(args.beir, args.split), args.corpus_limit)
    path, model = load_model(settings.embedding.model)
    with tempfile.TemporaryDirectory(prefix="veil-onnx-") as tmp:
        started = time.perf_counter()
        fp32 = export_onnx(model, Path(tmp))
        exported = time.perf_counter()
        int8 = quantise_int8(fp32, Path(tmp))
        prepare = {"export_s": round(exported - started, 1), "quantise_s": round(time.perf_counter() - exported, 1),
                   "onnx_mb": round(fp32.stat().st_size / 1e6, 1), "onnx_int8_mb": round(int8.stat().st_size / 1e6, 1)}
        encoders = {"torch": torch_encoder(model, batch_size),
                    "onnx": onnx_encoder(model, fp32, batch_size, threads),
                    "onnx-int8": onnx_encoder(model, int8, batch_size, threads)}
        for encode in encoders.values():
            encode(["warm-up sentence"] * 4)
        texts = list(beir.corpus.values())[:args.throughput_docs]
        log(f"throughput: {len(texts)} documents, {args.rounds} rounds")
        speed = throughput(encoders, texts, args.rounds)
        log(f"quality: {len(beir.corpus)} documents, {len(beir.queries)} queries")
        scores = quality(encoders, beir)
    result = {"model": path, "beir": beir.name, "split": args.split, "corpus_docs": len(beir.corpus),
              "corpus_limit": args.corpus_limit, "queries": len(beir.queries), "batch_size": batch_size,
              "threads": threads, "onnxruntime": onnxruntime.__version__, "torch": torch.__version__,
              "max_seq_length": model.max_seq_length, "prepare": prepare,
              "throughput_docs": len(texts), "rounds": args.rounds, "throughput": speed, "quality": scores,
              "verdict": verdict(speed, scores)}
    if not args.json:
        print_table(result)
    print(json.dumps(result))


def print_table(result: dict) -> None:
    print(f"{'backend':<10} {'chunks/s':>9} {'vs torch':>9} {'nDCG@10':>8} {'Δ':>8} {'R@100':>7}  cos dist docs (max/mean)")
    for name, speed in result["throughput"].items():
        q = result["quality"][name]
        dist = q.get("cosine_distance_to_torch", {}).get("documents")
        print(f"{name:<10} {speed['chunks_per_s']:>9.2f} {speed['speed_vs_torch']:>9.3f} {q['ndcg@10']:>8.4f} "
              f"{q['ndcg_delta_vs_torch']:>+8.4f} {q['recall@100']:>7.4f}  "
              + (f"{dist['max']:.2g} / {dist['mean']:.2g}" if dist else "-"))
    print(f"verdict: {result['verdict']}")


if __name__ == "__main__":
    main()
