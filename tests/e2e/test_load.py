"""Load: 50 concurrent queries from one user key against a live `veil serve` on the samples. None
fails (the per-key limits admit them); the latencies' p50/p95 are printed (run with -s)."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.conftest import serving

pytestmark = [pytest.mark.e2e, pytest.mark.load]
CONCURRENT = 50


def test_fifty_concurrent_queries_all_answer(ingested, sample_questions, record_property):
    runner, _ = ingested
    with serving(runner) as client:
        key = runner.json("keys", "create", "--role", "user", "--name", "load")["key"]
        url = str(client.base_url.join("/v1/query"))
        questions = [sample_questions[i % len(sample_questions)]["question"] for i in range(CONCURRENT)]

        def ask(question: str) -> tuple[int, float]:
            started = time.perf_counter()
            response = httpx.post(url, json={"question": question}, timeout=600,
                                  headers={"Authorization": f"Bearer {key}"})
            return response.status_code, time.perf_counter() - started

        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            results = list(pool.map(ask, questions))
    statuses = [status for status, _ in results]
    assert statuses == [200] * CONCURRENT, statuses
    latencies = sorted(seconds for _, seconds in results)
    p50, p95 = statistics.median(latencies), latencies[int(0.95 * CONCURRENT) - 1]
    record_property("p95_s", round(p95, 2))
    print(f"\n{CONCURRENT} concurrent queries: p50 {p50:.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")
