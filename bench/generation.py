"""Local generation through Veil beside raw llama-cpp-python, and query latency under concurrency.

    .venv/bin/python bench/generation.py examples/documents --questions examples/questions.json --runs 5

1. The same prompt (a real grounded prompt over the folder) and the same GGUF, alternating runs:
   time to first token and tokens/s through Veil's chat model (its FIFO queue in front of
   LlamaCppChat) and through `llama_cpp.Llama` directly. Both caches are reset before each run, so
   neither reuses the other's prompt evaluation. Medians and Veil/raw ratios (goal: within 10%).
2. Query latency p50/p95 through the REST API (uvicorn on 127.0.0.1) with 1 and 4 concurrent
   clients, per answer mode, over the folder ingested into a temporary data dir.

The last stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

import httpx  # noqa: E402

from api.wiring import build_veil  # noqa: E402
from core.settings import load_settings  # noqa: E402
from generation.evaluation import percentile  # noqa: E402
from generation.llamacpp import LlamaCppChat, packaged_gemma_path  # noqa: E402
from generation.prompts import build_prompt  # noqa: E402
from generation.queue import QueuedChat  # noqa: E402
from ingest.pipeline import iter_sources  # noqa: E402

MAX_TOKENS = 96  # long enough for a stable tokens/s; no stop sequence cuts a run short


def streamed(pieces) -> tuple[float, float, int]:
    """(seconds to the first piece, tokens/s after it, pieces) of a token stream."""
    started = time.perf_counter()
    first, count = None, 0
    for _ in pieces:
        count += 1
        first = first or time.perf_counter()
    ended = time.perf_counter()
    first = first or ended
    return first - started, (count - 1) / (ended - first) if count > 1 and ended > first else 0.0, count


def compare_with_raw(settings, messages, runs: int) -> dict:
    from llama_cpp import Llama

    gen = settings.generation.model_copy(update={"stop": (), "max_tokens": MAX_TOKENS})
    veil_model = LlamaCppChat(gen)
    veil_chat = QueuedChat(veil_model)
    raw = Llama(model_path=str(gen.model_path or packaged_gemma_path()), n_ctx=gen.n_ctx, n_threads=gen.n_threads,
                seed=gen.seed, verbose=False)
    prompt = veil_model.render(messages).text
    options = {"max_tokens": MAX_TOKENS, "temperature": gen.temperature, "repeat_penalty": gen.repeat_penalty}
    def run_raw():
        raw.reset()
        return streamed(raw.create_completion(prompt, stream=True, **options))

    def run_veil():
        veil_model._llm.reset()
        return streamed(veil_chat.stream(messages))

    rows = {"veil": [], "raw": []}
    for n in range(runs):  # alternate which goes first, so neither always runs on a warmer machine
        for name, run in ([("raw", run_raw), ("veil", run_veil)][:: 1 if n % 2 == 0 else -1]):
            rows[name].append(run())
    out = {name: {"ttft_ms": round(statistics.median(r[0] for r in rs) * 1000, 1),
                  "tokens_per_s": round(statistics.median(r[1] for r in rs), 1),
                  "tokens": statistics.median(r[2] for r in rs)} for name, rs in rows.items()}
    out["ratio_veil_to_raw"] = {"ttft": round(out["veil"]["ttft_ms"] / out["raw"]["ttft_ms"], 3),
                                "tokens_per_s": round(out["veil"]["tokens_per_s"] / out["raw"]["tokens_per_s"], 3)}
    out["prompt_tokens"] = veil_model.prompt_tokens(messages)
    return out


def serve(veil, port: int):
    import uvicorn

    from api.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(veil), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread


def query_latency(url: str, questions: list[str], mode: str, clients: int, per_client: int) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as http:
            for n in range(per_client):
                question = questions[(offset + n) % len(questions)]
                started = time.perf_counter()
                http.post("/v1/query", json={"question": question, "mode": mode}).raise_for_status()
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
            "queries": len(latencies)}


def load_questions(path: Path | None, fallback: str) -> list[str]:
    if path is None:
        return [fallback]
    text = path.read_text(encoding="utf-8")
    rows = json.loads(text) if text.lstrip().startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]
    return [row["question"] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--questions", type=Path, help="JSON list or JSON lines with a question field")
    parser.add_argument("--question", default="What was the root cause of the security incident?")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    questions = load_questions(args.questions, args.question)
    with tempfile.TemporaryDirectory(prefix="veil-bench-") as tmp:
        settings = load_settings(data_dir=Path(tmp), audit={"key": secrets.token_hex(32)})
        veil = build_veil(settings)
        for source in iter_sources([args.folder]):
            veil.pipeline.ingest_file(source.path, settings.default_collection, source.name)
        hits = veil.answerer.retrieve(questions[0], settings.default_collection)
        messages = build_prompt(questions[0], hits).messages
        result = {"generation": compare_with_raw(settings, messages, args.runs), "query_latency": {}}
        server, thread = serve(veil, args.port)
        try:
            for mode in ("extractive", "generative"):
                for clients in (1, 4):
                    result["query_latency"][f"{mode}, {clients} client(s)"] = query_latency(
                        f"http://127.0.0.1:{args.port}", questions, mode, clients, args.runs)
        finally:
            server.should_exit = True
            thread.join()
            veil.close()
    g = result["generation"]
    print(f"generation ({g['prompt_tokens']} prompt tokens, {args.runs} runs, medians):")
    for name in ("raw", "veil"):
        print(f"  {name:<5} first token {g[name]['ttft_ms']:>7.1f} ms   {g[name]['tokens_per_s']:>6.1f} tokens/s")
    print(f"  veil/raw: first token x{g['ratio_veil_to_raw']['ttft']}, tokens/s x{g['ratio_veil_to_raw']['tokens_per_s']}")
    print("query latency through REST:")
    for name, q in result["query_latency"].items():
        print(f"  {name:<26} p50 {q['p50_ms']:>8.1f} ms   p95 {q['p95_ms']:>8.1f} ms   ({q['queries']} queries)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
