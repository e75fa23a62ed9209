"""Scale-out on the machine's real Redis and PostgreSQL, with the real models and Qdrant Edge.

- Two `veil worker` processes ingest the document folder through the queue while `veil serve` owns
  the embedded store and writes what they hand over; one worker is killed with SIGKILL mid-file and
  replaced. Every file ends exactly once: one published version, one `document.ingested` event, its
  chunks all there, and the same document and chunk ids as an in-process `veil ingest`.
- Two API processes on two ports share API keys, per-minute limits, the privacy budget and one
  verifiable audit chain through PostgreSQL.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SAMPLES
from tests.e2e.closed_api import ClosedAPI
from tests.e2e.conftest import VEIL, VeilRunner, serving
from tests.e2e.test_escalation import escalation_env
from tests.services import postgres_url, redis_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e
SHARED_DOCS = ROOT.parent / "shared" / "data" / "docs"
REDELIVERY_S = 15


def _shared_env(postgres_url: str, redis_url: str | None = None) -> dict:
    env = {"VEIL_STATE__URL": postgres_url, "VEIL_AUDIT__KEY": secrets.token_hex(32)}
    if redis_url:
        env |= {"VEIL_QUEUE__URL": redis_url, "VEIL_QUEUE__REDELIVERY_S": str(REDELIVERY_S)}
    return env


def _start_worker(runner: VeilRunner) -> subprocess.Popen:
    log = open(runner.workdir / f"worker-{time.monotonic_ns()}.log", "w")
    return subprocess.Popen([*VEIL, "worker", "--concurrency", "1"], cwd=runner.workdir, env=runner.env(),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _job(client: httpx.Client, job: str) -> dict:
    response = client.get(f"/v1/jobs/{job}")
    assert response.status_code == 200, response.text
    return response.json()


def _wait(client: httpx.Client, job: str, until, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _job(client, job)
        if until(body):
            return body
        time.sleep(1)
    pytest.fail(f"job {job} did not get there in {seconds:.0f} s: {json.dumps(body['totals'])}")


def _exported(runner: VeilRunner) -> dict[str, list[str]]:
    """doc id -> its chunk ids, sorted, from `veil export` (through the server when one runs)."""
    out: dict[str, list[str]] = {}
    for line in runner.run("export").stdout.splitlines():
        chunk = json.loads(line)
        out.setdefault(chunk["metadata"]["doc_id"], []).append(chunk["chunk_id"])
    return {d: sorted(c) for d, c in out.items()}


def _ingested_events(postgres_url: str, key: str) -> Counter:
    from core.audit import AuditLog
    from core.state import open_state

    log = AuditLog(open_state(postgres_url), key.encode())
    try:
        assert log.verify().ok
        return Counter(e.payload["doc_id"] for e in log.events("document.ingested"))
    finally:
        log.close()


def _slow_file(root: Path) -> Path:
    """A long memo (about 200 KB of prose): it keeps a worker busy for seconds, so the kill lands mid-file."""
    words = ("the committee reviewed the quarterly budget and agreed that the revised schedule for the "
             "warehouse renovation should be presented at the next meeting together with the supplier terms")
    path = root / "slow" / "long_memo.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n\n".join(f"Section {i}. " + words.capitalize() + "." for i in range(1200)))
    return path


def _shared_sample(root: Path, per_kind: int = 3) -> Path:
    """The first few files of each kind of the shared corpus (every format, a fraction of the time)."""
    sample = root / "shared-sample"
    for kind in sorted(p for p in SHARED_DOCS.iterdir() if p.is_dir()):
        for source in sorted(f for f in kind.rglob("*") if f.is_file())[:per_kind]:
            target = sample / kind.name / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return sample


@pytest.mark.kill
def test_two_workers_ingest_the_folder_exactly_once_though_one_is_killed_mid_file(tmp_path, postgres_url, redis_url):
    slow = _slow_file(tmp_path)
    folders = [slow, _shared_sample(tmp_path), SAMPLES] if SHARED_DOCS.is_dir() else [slow, SAMPLES]
    runner = VeilRunner(tmp_path / "queue", tmp_path, extra_env=_shared_env(postgres_url, redis_url))
    with serving(runner) as client:
        workers = [_start_worker(runner), _start_worker(runner)]
        try:
            queued = runner.json("ingest", *map(str, folders), "--queue")
            job = queued["job"]
            # Kill the worker that holds the slow file (index 0), mid-file: its task must come back.
            holding = _wait(client, job, lambda b: b["files"][0]["state"] == "running" and b["files"][0]["worker"], 600)
            pid = int(holding["files"][0]["worker"].rsplit(":", 1)[1])
            victim = next(w for w in workers if w.pid == pid)
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and its parsing processes, like a power cut
            victim.wait()
            killed_at = time.monotonic()
            workers.append(_start_worker(runner))
            body = _wait(client, job, lambda b: b["state"] == "done", 1200)
            redelivered = body["files"][0]
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
                    worker.wait(60)
        chunks = _exported(runner)
    totals = body["totals"]
    assert totals["files"] == queued["files"] and totals["queued"] == totals["running"] == 0
    assert redelivered["state"] == "ingested" and redelivered["attempts"] == 2, redelivered
    assert not [f for f in body["files"] if f["error"] and "gave up" in f["error"]], "a file was lost to the kill"
    assert time.monotonic() - killed_at < 1200
    written = {f["doc_id"]: f for f in body["files"] if f["state"] in ("ingested", "updated")}
    assert len(written) >= 6 and all(f["error"] for f in body["files"] if f["state"] == "failed")
    # Exactly once: every written document has all its chunks, one version, and one ingest event;
    # nothing else is stored.
    assert set(chunks) == set(written)
    assert all(len(chunks[d]) == f["chunks"] for d, f in written.items())
    assert set(_ingested_events(postgres_url, runner.extra_env["VEIL_AUDIT__KEY"]).values()) == {1}
    # The same ids as an in-process ingest of the same files
    in_process = VeilRunner(tmp_path / "in-process", tmp_path)
    in_process.json("ingest", str(SAMPLES), str(slow))
    expected = _exported(in_process)
    assert {d: c for d, c in chunks.items() if d in expected} == expected


def test_two_api_processes_share_keys_limits_budget_and_one_audit_chain(tmp_path, postgres_url):
    """A and B are two `veil serve` processes on two ports with one PostgreSQL database.

    The embedded store has one owner, so B reads a copy of A's store here (in a real deployment every
    API replica uses the Qdrant server: store.kind qdrant); what is under test is the shared state."""
    closed_api = ClosedAPI()
    env = (_shared_env(postgres_url) | escalation_env(closed_api, daily_escalations=2)
           | {"VEIL_API__REQUESTS_PER_MINUTE_PER_KEY": "8"})
    a = VeilRunner(tmp_path / "a", tmp_path, extra_env=env)
    b = VeilRunner(tmp_path / "b", tmp_path, extra_env=env)
    a.json("ingest", str(SAMPLES))
    shutil.copytree(a.data_dir / "qdrant", b.data_dir / "qdrant")
    created = a.json("keys", "create", "--role", "user", "--name", "analyst")  # written to PostgreSQL
    user = {"Authorization": f"Bearer {created['key']}"}
    question = {"question": "What dose of apixaban was prescribed?", "escalate": True}
    try:
        with serving(a) as client_a, serving(b) as client_b:
            to_a = httpx.Client(base_url=client_a.base_url, headers=user, timeout=300)
            to_b = httpx.Client(base_url=client_b.base_url, headers=user, timeout=300)
            assert to_b.get("/v1/documents").status_code == 200  # a key made through A's database
            routes = [client.post("/v1/query", json=question).json()["route"] for client in (to_a, to_b, to_a)]
            assert routes == ["external", "external", "local"]  # two escalations a day, wherever asked
            assert len(closed_api.requests) == 2
            codes = [client.get("/v1/documents").status_code for client in (to_a, to_b) * 6]
            # 8 a minute for the key on A and B together (4 already spent): two buckets would take all 12
            assert set(codes) == {200, 429} and codes.count(200) <= 8 and codes[-2:] == [429, 429]
            a.run("keys", "revoke", created["id"])
            assert to_b.get("/v1/documents").status_code == 401
    finally:
        closed_api.shutdown()
    verification = a.json("audit", "verify")  # one chain, written by A, B and the CLI
    assert verification["ok"]
    log_events = _audit_kinds(postgres_url, env["VEIL_AUDIT__KEY"])
    assert log_events["escalation"] == 3 and log_events["document.ingested"] == len(list(SAMPLES.iterdir()))


def _audit_kinds(postgres_url: str, key: str) -> Counter:
    from core.audit import AuditLog
    from core.state import open_state

    log = AuditLog(open_state(postgres_url), key.encode())
    try:
        return Counter(e.kind for e in log.events())
    finally:
        log.close()
