"""Search latency of the embedded store at scale, with and without the group filter.

    .venv/bin/python bench/retrieval.py --points 200000 --queries 200

Builds a collection of synthetic unit vectors with real payloads (text, groups, document ids) in
Qdrant Edge, then reports search p50/p95 for dense and hybrid, as an admin and as a principal in one
group of five, before and after the HNSW index is built (`optimize()`), how long a query waited while
the index was being built, the build time and the process's peak memory. qdrant-client's local mode
(a brute-force scan meant for tests) is measured on `--client-points` for reference, in the same run.

The last stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

import numpy as np  # noqa: E402

from core.types import LOCAL_ADMIN, Chunk, DocumentInfo, EmbeddedChunk, Principal, SearchQuery  # noqa: E402
from generation.evaluation import percentile  # noqa: E402
from retrieval.qdrant_edge import QdrantEdgeStore  # noqa: E402

DIM = 384
GROUPS = ["finance", "hr", "legal", "ops", "clinical"]
WORDS = ("invoice claim patient contract salary warranty refund audit policy shipment diagnosis leave "
         "budget lease renewal premium dosage transfer").split()


def synthetic_chunks(count: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    for start in range(0, count, 1000):
        n = min(1000, count - start)
        vectors = rng.standard_normal((n, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        batch = []
        for i, vector in enumerate(vectors):
            index = start + i
            doc_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"doc/{index // 4}"))
            info = DocumentInfo(doc_id, "bench", f"folder/doc-{index // 4}.txt", "hash", "2026-01-01T00:00:00+00:00",
                                4, {}, (GROUPS[index % len(GROUPS)],))
            text = " ".join(pick.choices(WORDS, k=60))
            chunk = Chunk(str(uuid.uuid5(uuid.NAMESPACE_URL, f"chunk/{index}")), doc_id, index % 4, text, None, 0, len(text))
            batch.append(EmbeddedChunk(chunk, info, vector))
        yield batch


def latencies(store, queries, mode: str, principal) -> dict:
    times = []
    for vector, text in queries:
        started = time.perf_counter()
        store.search(SearchQuery(vector, "bench", 10, text, mode, principal))
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}


def all_latencies(store, queries) -> dict:
    member = Principal("analyst", groups=frozenset({"finance"}))
    return {f"{mode}, {who}": latencies(store, queries, mode, principal)
            for mode in ("dense", "hybrid") for who, principal in (("admin", LOCAL_ADMIN), ("one group of five", member))}


def wait_during_optimize(store, queries) -> dict:
    """Build the index in a thread and ask one query half a second in: how long did it wait?

    qdrant-edge's optimize() does not release the Python interpreter, so a query issued while it
    runs waits for the whole build; the figure says how long that is."""
    shard = store._shard("bench")
    done = threading.Event()
    started = time.perf_counter()

    def build():
        shard.optimize()
        done.set()

    threading.Thread(target=build, daemon=True).start()
    time.sleep(0.5)
    vector, text = queries[0]
    asked = time.perf_counter()
    store.search(SearchQuery(vector, "bench", 10, text, "hybrid", LOCAL_ADMIN))
    waited = time.perf_counter() - asked
    done.wait()
    return {"build_s": round(time.perf_counter() - started, 1), "query_wait_during_build_s": round(waited, 1)}


def client_local_mode(points: int, queries) -> dict:
    from qdrant_client import QdrantClient, models

    client = QdrantClient(location=":memory:")
    client.create_collection("bench", vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE))
    for batch in synthetic_chunks(points):
        client.upsert("bench", [models.PointStruct(id=c.chunk.chunk_id, vector=c.vector.tolist(),
                                                   payload={"groups": list(c.document.groups)}) for c in batch])
    flt = models.Filter(must=[models.FieldCondition(key="groups", match=models.MatchAny(any=["finance"]))])
    out = {}
    for name, query_filter in (("dense, admin", None), ("dense, one group of five", flt)):
        times = []
        for vector, _ in queries[:50]:
            t = time.perf_counter()
            client.query_points("bench", query=vector.tolist(), limit=10, query_filter=query_filter)
            times.append((time.perf_counter() - t) * 1000)
        out[name] = {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}
    client.close()
    return {"points": points} | out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--client-points", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    vectors = rng.standard_normal((args.queries, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pick = random.Random(11)
    queries = [(v, " ".join(pick.choices(WORDS, k=4))) for v in vectors]
    result = {"points": args.points}
    with tempfile.TemporaryDirectory(prefix="veil-bench-") as tmp:
        store = QdrantEdgeStore(Path(tmp) / "qdrant")
        started = time.perf_counter()
        for batch in synthetic_chunks(args.points):
            store.upsert(batch)
        result["upsert_s"] = round(time.perf_counter() - started, 1)
        result["before_index"] = all_latencies(store, queries)
        result["index_build"] = wait_during_optimize(store, queries)
        result["after_index"] = all_latencies(store, queries)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        result["disk_mb"] = round(sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file()) / 1e6)
        store.close()
    result["qdrant_client_local_mode"] = client_local_mode(args.client_points, queries)
    for phase in ("before_index", "after_index"):
        print(f"{phase} ({args.points} points):")
        for name, q in result[phase].items():
            print(f"  {name:<28} p50 {q['p50_ms']:>8.2f} ms   p95 {q['p95_ms']:>8.2f} ms")
    b = result["index_build"]
    print(f"index build {b['build_s']} s; a query asked during it waited {b['query_wait_during_build_s']} s; "
          f"upsert {result['upsert_s']} s; peak RSS {result['peak_rss_mb']} MB; disk {result['disk_mb']} MB")
    print(f"qdrant-client local mode ({args.client_points} points): {result['qdrant_client_local_mode']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
