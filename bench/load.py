"""Query latency under load beside one client's, same run, against a live `veil serve` on the samples.

    .venv/bin/python bench/load.py [--docs examples/documents] [--questions examples/questions.json]
                                   [--concurrent 50] [--runs 3] [--json]

The documents are ingested once into a data dir; each run copies it and starts a fresh `veil serve` on
the copy (models loaded, nothing asked yet), creates a user key, and measures, in alternating order
(odd runs reversed):

- single: every question once, one request at a time (the baseline);
- concurrent: N requests at once from that key, the questions in turn.

Each is measured twice per run, on its own fresh server: as users ask (the questions as written, so
many requests repeat one), and with every request's question made distinct ("… (asked by client 17)")
and the query cache off (`retrieval.query_cache = 0`), so that no request can reuse another's vectors
beyond the ones they embed together. Reported: medians over runs of p50 and p95 latency, failures (any
status other than 200) and p95(concurrent) / p50(single). Progress to stderr; the last stdout line is
the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
VEIL = [sys.executable, "-m", "api"]
CASES = {"as asked": {}, "distinct, no cache": {"VEIL_RETRIEVAL__QUERY_CACHE": "0"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "examples" / "documents")
    parser.add_argument("--questions", type=Path, default=ROOT / "examples" / "questions.json")
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = [q["question"] for q in json.loads(args.questions.read_text())]
    with tempfile.TemporaryDirectory(prefix="veil-load-") as tmp:
        seed = Path(tmp) / "seed"
        _veil(seed, "ingest", str(args.docs), "--json")
        results = {case: {"single": [], "concurrent": []} for case in CASES}
        for run in range(args.runs):
            phases = ["single", "concurrent"] if run % 2 == 0 else ["concurrent", "single"]
            for n, (case, env) in enumerate(CASES.items()):
                for phase in phases:
                    data_dir = Path(tmp) / f"run-{run}-case-{n}-{phase}"
                    shutil.copytree(seed, data_dir)
                    with _server(data_dir, env) as (url, key):
                        latencies = _measure(url, key, questions, phase, args.concurrent, distinct=bool(env))
                    results[case][phase].append(latencies)
                    _say(f"run {run + 1}, {case}, {phase}: {_summary(latencies)}")
    summary = {case: _report(phases) for case, phases in results.items()}
    if not args.json:
        for case, report in summary.items():
            print(f"{case}: {report}")
    print(json.dumps({"concurrent": args.concurrent, "runs": args.runs, "results": summary}))


def _measure(url: str, key: str, questions: list[str], phase: str, concurrent: int, distinct: bool) -> list:
    """(status, seconds) per request."""
    count = len(questions) if phase == "single" else concurrent
    asked = [questions[i % len(questions)] + (f" (asked by client {i})" if distinct else "") for i in range(count)]

    def ask(question: str) -> tuple[int, float]:
        started = time.perf_counter()
        response = httpx.post(f"{url}/v1/query", json={"question": question}, timeout=900,
                              headers={"Authorization": f"Bearer {key}"})
        return response.status_code, time.perf_counter() - started

    if phase == "single":
        return [ask(q) for q in asked]
    with ThreadPoolExecutor(max_workers=concurrent) as pool:
        return list(pool.map(ask, asked))


def _summary(latencies: list) -> dict:
    seconds = sorted(s for _, s in latencies)
    return {"p50_s": round(statistics.median(seconds), 3), "p95_s": round(_p95(seconds), 3),
            "max_s": round(seconds[-1], 3), "failed": sum(status != 200 for status, _ in latencies)}


def _p95(sorted_seconds: list[float]) -> float:
    return sorted_seconds[max(0, -(-95 * len(sorted_seconds) // 100) - 1)]


def _report(phases: dict) -> dict:
    single = [_summary(r) for r in phases["single"]]
    concurrent = [_summary(r) for r in phases["concurrent"]]
    median = lambda rows, key: round(statistics.median(r[key] for r in rows), 3)  # noqa: E731
    return {"single_p50_s": median(single, "p50_s"), "single_p95_s": median(single, "p95_s"),
            "concurrent_p50_s": median(concurrent, "p50_s"), "concurrent_p95_s": median(concurrent, "p95_s"),
            "failed": sum(r["failed"] for r in single + concurrent),
            "p95_concurrent_over_p50_single": round(median(concurrent, "p95_s") / median(single, "p50_s"), 1)}


@contextmanager
def _server(data_dir: Path, env: dict):
    port = _free_port()
    proc = subprocess.Popen([*VEIL, "serve", "--port", str(port)], cwd=data_dir.parent,
                            env=_env(data_dir) | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
        key = _veil(data_dir, "keys", "create", "--role", "user", "--name", "load", "--json", env=env)["key"]
        yield url, key
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _veil(data_dir: Path, *args: str, env: dict | None = None):
    done = subprocess.run([*VEIL, *args], env=_env(data_dir) | (env or {}), capture_output=True, text=True,
                          check=True, cwd=data_dir.parent if data_dir.parent.exists() else ROOT)
    return json.loads(done.stdout)


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")}
    return env | {"VEIL_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


def _wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"veil serve exited {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit("veil serve did not come up")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
