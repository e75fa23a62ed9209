"""Bulk ingest beside its ceiling (torch embedding only) and a naive llama-index baseline, same run.

    .venv/bin/python bench/ingest.py ../shared/data/docs --workers 2 --runs 3 [--limit 20] [--in-process]
        [--worker-detection] [--json]

Each run measures, in alternating order (run 0: veil, embed-only, naive; run 1 the reverse; ...):

1. veil: what a user runs — one cold `veil ingest DIR --json --workers N` with default settings into a
   fresh data dir, start-up and model loads included: wall seconds, files/s, chars/s, chunks/s, and how
   busy the cores were (CPU seconds of the command and its parsing workers ÷ wall ÷ cores). With
   `--in-process`, `BulkIngest` in this process instead (models warm), with the parent's time per
   stage (`StageTimes`) and the parsing seconds summed over the workers.
2. embed-only: the chunk texts the veil run stored (read back from its store), embedded in one call by
   sentence-transformers on torch (the packaged all-MiniLM-L6-v2, already loaded, batch size 32): the
   model a user would otherwise run. An odd run embeds the previous run's texts (they are identical:
   `chunks_identical_across_runs` checks it).
3. naive: one file at a time, in-process `UnstructuredParser` -> the same redactor
   (`redact(texts, scope=doc_id)`) -> a plain llama-index `IngestionPipeline` ([SentenceSplitter counting
   characters with Veil's size and overlap, a `BaseEmbedding` around that same torch model and batch
   size]), one `pipeline.run` per file -> upsert into a throw-away Qdrant Edge store.

4. with `--worker-detection`: the veil run again with `parsing.detect_in_workers = true` (redaction's
   detection in the parsing workers, beside parsing, instead of in the ingesting process), to measure
   what detecting in the workers pays; its stored chunks must be the default's (the fingerprint check).

Models of the baselines are loaded and warmed before any timing. Goals (issue 25): the cold veil run
takes at most 2× the embed-only seconds, and veil's files/s is ≥ 2× naive's. Progress goes to stderr;
the last stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from api.wiring import build_parser, build_veil, throwaway_settings  # noqa: E402
from core import ids  # noqa: E402
from core.settings import Settings, load_settings  # noqa: E402
from core.types import Chunk, DocumentInfo, EmbeddedChunk  # noqa: E402
from ingest.bulk import EMBED_BATCH_CHUNKS, BulkIngest  # noqa: E402
from ingest.sources import SourceFile, iter_sources, read_source  # noqa: E402
from retrieval.sentence_transformers import SentenceTransformerEmbedder  # noqa: E402

COLLECTION = "bench"
MEASUREMENTS = ("veil", "embed-only", "naive")
WORKER_DETECTION = "veil-worker-detection"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    """User + system seconds of this process and of its children that have exited (the parsing workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def select_inputs(corpus: Path, limit: int | None) -> list[Path]:
    """The folder itself, or its first `limit` files (in iter_sources' stable order) given one by one."""
    if limit is None:
        return [corpus]
    files = []
    for source in iter_sources([corpus]):
        if len(files) >= limit:
            break
        files.append(source.path)
    return files


# -- 1. veil ----------------------------------------------------------------------------------------

def run_veil(settings: Settings, inputs: list[Path], workers: int,
             detect_in_workers: bool = False) -> tuple[dict, list[str]]:
    """Bulk ingest into a fresh data dir; returns the figures and the stored chunk texts."""
    settings = settings.model_copy(update={"parsing": settings.parsing.model_copy(
        update={"detect_in_workers": detect_in_workers})})
    with tempfile.TemporaryDirectory(prefix="veil-bench-ingest-") as tmp:
        veil = build_veil(throwaway_settings(settings, Path(tmp)))
        try:
            veil.warm_up()
            done = [0]

            def show(result, progress) -> None:
                done[0] += 1
                if done[0] % 10 == 0 or done[0] == progress.total:
                    log(f"  veil: {progress.done}/{progress.total} files, {progress.chunks} chunks, "
                        f"{progress.files_per_s:.2f} files/s")

            cpu0, started = cpu_seconds(), time.perf_counter()
            with build_parser(veil.settings, workers, bulk=True) as parser:
                bulk = BulkIngest(veil.pipeline, parser, on_result=show)
                report = bulk.run(inputs, COLLECTION)
            wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
            texts = [c.text for c in veil.store.iter_chunks(COLLECTION)]
        finally:
            veil.close()
    totals = report.totals()
    ok = totals["ingested"] + totals["updated"]
    figures = {
        "wall_s": round(wall, 2), "files": totals["files"], "files_ok": ok, "files_failed": totals["failed"],
        "chunks": totals["chunks"], "chars": bulk.times.chars,
        "files_per_s": round(totals["files"] / wall, 3), "chars_per_s": round(bulk.times.chars / wall, 1),
        "chunks_per_s": round(totals["chunks"] / wall, 3),
        "stages_s": {**bulk.times.as_dict(), "parse_in_workers": round(parser.parse_seconds, 3),
                     "detect_in_workers": round(parser.detect_seconds, 3)},
        "cores_busy": round(cpu / wall / (os.cpu_count() or 1), 3),
        "failed": sorted(r.path for r in report.files if r.status == "failed"),
    }
    return figures, texts


def run_veil_cold(settings: Settings, inputs: list[Path], workers: int,
                  detect_in_workers: bool = False) -> tuple[dict, list[str]]:
    """`veil ingest` as a user runs it, in a fresh process and a fresh data dir."""
    with tempfile.TemporaryDirectory(prefix="veil-bench-cold-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")} | {"VEIL_DATA_DIR": tmp}
        if detect_in_workers:
            env["VEIL_PARSING__DETECT_IN_WORKERS"] = "true"
        cpu0, started = cpu_seconds(), time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "api", "ingest", *(str(p.absolute()) for p in inputs), "--json",
                               "--workers", str(workers), "--collection", COLLECTION],
                              env=env, capture_output=True, text=True, cwd=tmp)
        wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
        if proc.returncode not in (0, 1):  # 1: some files failed, as in the corpus
            raise SystemExit(f"veil ingest exited {proc.returncode}: {proc.stderr[-2000:]}")
        report = json.loads(proc.stdout)
        veil = build_veil(throwaway_settings(settings, Path(tmp)))
        try:
            texts = [c.text for c in veil.store.iter_chunks(COLLECTION)]
        finally:
            veil.close()
    totals = report["totals"]
    figures = {
        "wall_s": round(wall, 2), "files": totals["files"], "files_ok": totals["ingested"] + totals["updated"],
        "files_failed": totals["failed"], "chunks": totals["chunks"], "chars": sum(map(len, texts)),
        "files_per_s": round(totals["files"] / wall, 3), "chars_per_s": round(sum(map(len, texts)) / wall, 1),
        "chunks_per_s": round(totals["chunks"] / wall, 3), "stages_s": {},
        "cores_busy": round(cpu / wall / (os.cpu_count() or 1), 3),
        "failed": sorted(f["path"] for f in report["files"] if f["status"] == "failed"),
    }
    return figures, texts


# -- 2. embedding only ----------------------------------------------------------------------------

def run_embed_only(embedder, texts: list[str]) -> dict:
    started = time.perf_counter()
    embedder.embed_documents(texts)
    seconds = time.perf_counter() - started
    return {"chunks": len(texts), "chars": sum(map(len, texts)), "seconds": round(seconds, 2),
            "chunks_per_s": round(len(texts) / seconds, 3) if seconds else 0.0}


# -- 3. naive llama-index baseline ----------------------------------------------------------------

def sentence_transformer_embedding(model, batch_size: int):
    """A plain llama-index BaseEmbedding around an already loaded SentenceTransformer."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class SentenceTransformerEmbedding(BaseEmbedding):
        _model: Any = PrivateAttr()
        _seconds: float = PrivateAttr(default=0.0)  # time spent embedding (the rest of pipeline.run: splitting)

        def __init__(self, model, **kwargs) -> None:
            super().__init__(**kwargs)
            self._model = model

        def _encode(self, texts: list[str]) -> list[list[float]]:
            started = time.perf_counter()
            vectors = self._model.encode(texts, batch_size=self.embed_batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False).tolist()
            self._seconds += time.perf_counter() - started
            return vectors

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._encode([query])[0]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encode([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encode(texts)

    return SentenceTransformerEmbedding(model, model_name="all-MiniLM-L6-v2 (Veil's)", embed_batch_size=batch_size)


class NaiveIngest:
    """One file at a time through a plain llama-index IngestionPipeline (nothing shared with BulkIngest)."""

    def __init__(self, settings: Settings, model, data_dir: Path) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.ingestion import IngestionPipeline
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter

        from ingest.unstructured_parser import UnstructuredParser

        self.veil = build_veil(throwaway_settings(settings, data_dir))  # its redactor and its store
        self.parser = UnstructuredParser(settings.parsing)
        self.embed = embed = sentence_transformer_embedding(model, settings.embedding.batch_size)
        LlamaSettings.llm = MockLLM()  # nothing in llama-index may resolve to a remote default
        LlamaSettings.embed_model = embed
        splitter = SentenceSplitter(chunk_size=settings.chunking.size, chunk_overlap=settings.chunking.overlap,
                                    tokenizer=list)  # one token per character, as Veil's settings count
        self.pipeline = IngestionPipeline(transformations=[splitter, embed], disable_cache=True)
        self.times = {"read": 0.0, "parse": 0.0, "redact": 0.0, "split_and_embed": 0.0, "upsert": 0.0}
        self.chars = self.chunks = self.ok = self.failed = 0

    def warm_up(self) -> None:
        self.veil.warm_up()
        self.parser.parse(b"Warm-up text.\n", "warm-up.txt")
        self._split_embed_upsert("warm-up", ["Warm-up text."], "warm-up")
        self.veil.store.delete_document(COLLECTION, ids.document_id(COLLECTION, "warm-up"))

    def run(self, sources: list[SourceFile]) -> None:
        for n, source in enumerate(sources, 1):
            try:
                self._one(source)
                self.ok += 1
            except Exception:  # as in Veil: one broken file never stops the batch
                self.failed += 1
            if n % 10 == 0 or n == len(sources):
                log(f"  naive: {n}/{len(sources)} files, {self.chunks} chunks")

    def _one(self, source: SourceFile) -> None:
        t0 = time.perf_counter()
        data = read_source(source, settings_max_bytes(self.veil.settings))
        t1 = time.perf_counter()
        self.times["read"] += t1 - t0
        try:
            elements = self.parser.parse(data, source.path.name)
        finally:
            self.times["parse"] += time.perf_counter() - t1
        texts = [e.text for e in elements]
        self.chars += sum(map(len, texts))
        doc_id = ids.document_id(COLLECTION, source.source_key)
        t2 = time.perf_counter()
        redacted = [r.text for r in self.veil.redactor.redact(texts, scope=doc_id)]
        self.times["redact"] += time.perf_counter() - t2
        self._split_embed_upsert(doc_id, redacted, source.name)

    def _split_embed_upsert(self, doc_id: str, texts: list[str], name: str) -> None:
        from llama_index.core import Document

        t0 = time.perf_counter()
        nodes = self.pipeline.run(documents=[Document(text="\n\n".join(texts), id_=doc_id)])
        t1 = time.perf_counter()
        info = DocumentInfo(doc_id, COLLECTION, name, "-", "2026-01-01T00:00:00+00:00", len(nodes))
        self.veil.store.upsert([
            EmbeddedChunk(Chunk(ids.chunk_id(doc_id, i), doc_id, i, node.text, None, node.start_char_idx or 0,
                                node.end_char_idx or 0), info, np.asarray(node.embedding, dtype=np.float32))
            for i, node in enumerate(nodes)])
        self.times["split_and_embed"] += t1 - t0
        self.times["upsert"] += time.perf_counter() - t1
        self.chunks += len(nodes)


def settings_max_bytes(settings: Settings) -> int:
    return settings.parsing.max_file_mb * 1_000_000


def run_naive(settings: Settings, model, inputs: list[Path]) -> dict:
    sources = list(iter_sources(inputs))
    with tempfile.TemporaryDirectory(prefix="veil-bench-naive-") as tmp:
        naive = NaiveIngest(settings, model, Path(tmp))
        try:
            naive.warm_up()
            naive.times = dict.fromkeys(naive.times, 0.0)
            naive.chunks, naive.embed._seconds = 0, 0.0
            started = time.perf_counter()
            naive.run(sources)
            wall = time.perf_counter() - started
            naive.times["embed (within split_and_embed)"] = naive.embed._seconds
        finally:
            naive.veil.close()
    return {"wall_s": round(wall, 2), "files": len(sources), "files_ok": naive.ok, "files_failed": naive.failed,
            "chunks": naive.chunks, "chars": naive.chars, "files_per_s": round(len(sources) / wall, 3),
            "chars_per_s": round(naive.chars / wall, 1), "chunks_per_s": round(naive.chunks / wall, 3),
            "stages_s": {k: round(v, 3) for k, v in naive.times.items()}}


# -- the run --------------------------------------------------------------------------------------

def median_of(rows: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in rows), 3)


def summarise(rows: dict[str, list[dict]]) -> dict:
    veil, embed, naive = rows["veil"], rows["embed-only"], rows["naive"]
    out = {
        "veil": {k: median_of(veil, k) for k in ("wall_s", "files_per_s", "chars_per_s", "chunks_per_s", "cores_busy")},
        "embed_only": {k: median_of(embed, k) for k in ("seconds", "chunks_per_s")},
        "naive": {k: median_of(naive, k) for k in ("wall_s", "files_per_s", "chars_per_s", "chunks_per_s")},
    }
    out["veil"]["stages_s"] = {k: round(statistics.median(r["stages_s"][k] for r in veil), 3)
                               for k in veil[0]["stages_s"]}
    out["naive"]["stages_s"] = {k: round(statistics.median(r["stages_s"][k] for r in naive), 3)
                                for k in naive[0]["stages_s"]}
    veil_vs_embed = out["veil"]["chunks_per_s"] / out["embed_only"]["chunks_per_s"]
    veil_vs_naive = out["veil"]["files_per_s"] / out["naive"]["files_per_s"]
    out["ratios"] = {"veil_chunks_per_s_over_embed_only": round(veil_vs_embed, 3),
                     "veil_files_per_s_over_naive": round(veil_vs_naive, 3)}
    wall_over_embed = out["veil"]["wall_s"] / out["embed_only"]["seconds"]
    out["ratios"]["veil_wall_over_embed_only_seconds"] = round(wall_over_embed, 3)
    out["goals"] = {"veil wall <= 2x embed-only": wall_over_embed <= 2.0, "veil >= 2x naive": veil_vs_naive >= 2.0}
    if rows.get(WORKER_DETECTION):
        workers = {"wall_s": median_of(rows[WORKER_DETECTION], "wall_s"),
                   "cores_busy": median_of(rows[WORKER_DETECTION], "cores_busy")}
        out[WORKER_DETECTION] = workers
        out["ratios"]["worker_detection_wall_over_veil_wall"] = round(workers["wall_s"] / out["veil"]["wall_s"], 3)
    return out


def fingerprint(texts: list[str]) -> str:
    return hashlib.sha256("\x00".join(sorted(texts)).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2, help="parsing worker processes of the veil run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, help="only the first N files of the corpus")
    parser.add_argument("--in-process", action="store_true",
                        help="veil: BulkIngest in this process, models warm, with stage times")
    parser.add_argument("--worker-detection", action="store_true",
                        help="also veil with parsing.detect_in_workers = true (detection in the parsing workers)")
    parser.add_argument("--json", action="store_true", help="stdout: the JSON summary only")
    args = parser.parse_args()

    import torch

    settings = load_settings()
    inputs = select_inputs(args.corpus, args.limit)
    embedder = SentenceTransformerEmbedder(None, 32)  # embed-only; the naive baseline wraps the same model
    embedder.embed_query("warm-up")
    model = embedder._model
    veil_run = run_veil if args.in_process else run_veil_cold
    measurements = (*MEASUREMENTS, WORKER_DETECTION) if args.worker_detection else MEASUREMENTS
    rows: dict[str, list[dict]] = {m: [] for m in measurements}
    texts: list[str] = []
    prints: list[str] = []
    for run in range(args.runs):
        order = measurements if run % 2 == 0 else measurements[::-1]
        for name in order:
            log(f"run {run + 1}/{args.runs}: {name}")
            if name == "veil":
                figures, texts = veil_run(settings, inputs, args.workers)
                prints.append(fingerprint(texts))
            elif name == WORKER_DETECTION:
                figures, worker_texts = veil_run(settings, inputs, args.workers, detect_in_workers=True)
                prints.append(fingerprint(worker_texts))
            elif name == "embed-only":
                figures = run_embed_only(embedder, texts)
            else:
                figures = run_naive(settings, model, inputs)
            figures["run"], figures["position"] = run, order.index(name)
            rows[name].append(figures)
            log(f"  {name}: {json.dumps({k: v for k, v in figures.items() if k != 'failed'})}")
    result = {
        "corpus": str(args.corpus), "limit": args.limit, "workers": args.workers, "runs": args.runs,
        "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
        "veil": "in-process" if args.in_process else "cold CLI", "embedding": settings.embedding.kind,
        "embedding_batch_size": settings.embedding.batch_size, "bulk_embed_batch_chunks": EMBED_BATCH_CHUNKS,
        "chunking": {"size": settings.chunking.size, "overlap": settings.chunking.overlap},
        "chunks_identical_across_runs": len(set(prints)) == 1,
        "median": summarise(rows), "runs_detail": rows,
    }
    if not args.json:
        print_table(result)
    print(json.dumps(result))


def print_table(result: dict) -> None:
    m = result["median"]
    v, e, n = m["veil"], m["embed_only"], m["naive"]
    print(f"veil       {v['wall_s']:>9.1f} s  {v['files_per_s']:>7.3f} files/s  {v['chars_per_s']:>9.0f} chars/s  "
          f"{v['chunks_per_s']:>7.2f} chunks/s  cores busy {v['cores_busy']:.0%}")
    print(f"embed-only {e['seconds']:>9.1f} s  {'':>15}  {'':>17}  {e['chunks_per_s']:>7.2f} chunks/s")
    print(f"naive      {n['wall_s']:>9.1f} s  {n['files_per_s']:>7.3f} files/s  {n['chars_per_s']:>9.0f} chars/s  "
          f"{n['chunks_per_s']:>7.2f} chunks/s")
    print(f"veil stages: {v['stages_s']}")
    print(f"naive stages: {n['stages_s']}")
    if WORKER_DETECTION in m:
        print(f"veil, detection in the workers: {m[WORKER_DETECTION]['wall_s']:.1f} s  "
              f"cores busy {m[WORKER_DETECTION]['cores_busy']:.0%}")
    print(f"ratios: {m['ratios']}  goals: {m['goals']}")


if __name__ == "__main__":
    main()
