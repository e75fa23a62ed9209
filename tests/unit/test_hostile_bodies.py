"""Hostile bodies never take Veil down: a real uvicorn process around the real app (the fast fakes
inside, `tests/unit/fake_server.py`) is sent 100 MB bodies, declared and chunked, without a key and
with one. Each is answered at once, the body unread, and the server's memory does not grow with it.

`.venv/bin/python -m pytest -s tests/unit/test_hostile_bodies.py` prints the figures."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "veil_admin_hostile-token"
MB = 1_000_000
BODY = 100 * MB
CHUNK = b"x" * MB
SECONDS = 1.5  # the bar: answered within this
GROWTH_MB = 50  # and the server's peak memory grows by less than this


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    proc = subprocess.Popen([sys.executable, "-m", "tests.unit.fake_server", str(data_dir), str(port), ADMIN],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"the fake server did not come up: {proc.communicate()[0][-2000:]}")
        time.sleep(0.2)
    yield port, proc.pid, url
    proc.kill()  # what it was doing is of no interest now
    proc.communicate(timeout=30)


class PeakMemory:
    """The server's resident memory before, and its peak during, the block: the kernel's high-water mark
    (reset through /proc/PID/clear_refs where allowed) and a 5 ms sampler, whichever saw more."""

    def __init__(self, pid: int) -> None:
        self._process, self._status = psutil.Process(pid), Path(f"/proc/{pid}/status")
        self._stop, self._sampled = threading.Event(), 0

    def __enter__(self) -> PeakMemory:
        self.baseline = self._process.memory_info().rss
        try:
            Path(f"/proc/{self._process.pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
            self._hwm = True
        except OSError:
            self._hwm = False
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self._sampled = max(self._sampled, self._process.memory_info().rss)

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()
        peak = self._sampled
        if self._hwm:
            kb = next(line for line in self._status.read_text().splitlines() if line.startswith("VmHWM"))
            peak = max(peak, int(kb.split()[1]) * 1024)
        self.growth_mb = max(0, peak - self.baseline) / MB


def stream(port: int, head: bytes, chunks: Iterator[bytes]) -> tuple[float, bytes, int]:
    """Send `head`, then `chunks`, from one thread while this one waits for the answer. Returns the
    seconds until the answer came, the answer, and how many body bytes the server took before it hung up."""
    sock = socket.create_connection(("127.0.0.1", port))
    sent = [0]

    def pump() -> None:
        try:
            sock.sendall(head)
            for chunk in chunks:
                sock.sendall(chunk)
                sent[0] += len(chunk)
        except OSError:  # the server closed the connection: the rest is never read
            pass

    started = time.perf_counter()
    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    sock.settimeout(60)
    answer = b""
    while b"\r\n\r\n" not in answer or not _complete(answer):
        data = sock.recv(65536)
        if not data:
            break
        answer += data
    elapsed = time.perf_counter() - started
    sender.join(60)
    sock.close()
    return elapsed, answer, sent[0]


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
    return len(body) >= length


def declared(size: int) -> Iterator[bytes]:
    for _ in range(size // MB):
        yield CHUNK


def chunked(size: int) -> Iterator[bytes]:
    for _ in range(size // MB):
        yield b"%x\r\n" % MB + CHUNK + b"\r\n"
    yield b"0\r\n\r\n"


def request_head(path: str, key: str | None, size: int | None, content_type: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}"]
    lines += [f"Content-Length: {size}"] if size is not None else ["Transfer-Encoding: chunked"]
    lines += [f"Authorization: Bearer {key}"] if key else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


MULTIPART = "multipart/form-data; boundary=veilboundary"


@pytest.mark.parametrize("case, path, key, size, body", [
    ("100 MB upload, no key, Content-Length", "/v1/documents", None, BODY, declared),
    ("100 MB upload, no key, chunked", "/v1/documents", None, None, chunked),
    ("100 MB upload, unknown key, chunked", "/v1/documents", "veil_not-a-key", None, chunked),
    ("200 MB upload, admin key, Content-Length", "/v1/documents", ADMIN, 2 * BODY, declared),
    ("100 MB question, admin key, chunked", "/v1/query", ADMIN, None, chunked),
], ids=["no-key-declared", "no-key-chunked", "unknown-key-chunked", "admin-upload-declared", "admin-query-chunked"])
def test_a_hostile_body_is_answered_at_once_and_costs_no_memory(server, case, path, key, size, body):
    port, pid, url = server
    with PeakMemory(pid) as memory:
        content_type = MULTIPART if "upload" in case else "application/json"
        elapsed, answer, sent = stream(port, request_head(path, key, size, content_type), body(size or BODY))
        time.sleep(0.2)  # whatever the server still does with the connection counts too
    status = int(answer.split(b" ", 2)[1]) if answer else 0
    print(f"\n{case}: {status} in {elapsed:.3f} s, server peak RSS +{memory.growth_mb:.1f} MB "
          f"(baseline {memory.baseline / MB:.0f} MB), {sent / MB:.0f} MB of the body sent before the server hung up")
    expected = 401 if key != ADMIN else 413
    assert status == expected, answer[:500]
    assert b'{"error":' in answer and b"connection: close" in answer.lower()
    assert elapsed < SECONDS and memory.growth_mb < GROWTH_MB
    assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200  # and it still serves


def test_the_server_still_answers_a_real_request_after_the_hostile_ones(server):
    _, _, url = server
    admin = {"Authorization": f"Bearer {ADMIN}"}
    uploaded = httpx.post(f"{url}/v1/documents", headers=admin, files={"files": ("a.txt", b"Refunds take 14 days.")},
                          timeout=120)  # the first upload loads the redactor's name lists
    assert uploaded.json()["files"][0]["status"] == "ingested"
    answer = httpx.post(f"{url}/v1/query", headers=admin, json={"question": "How long do refunds take?",
                                                                 "generate": False}, timeout=30)
    assert answer.status_code == 200 and answer.json()["citations"]


def test_the_cli_through_the_server_reports_a_file_over_the_upload_limit_as_failed(server, tmp_path):
    """`veil ingest` while `veil serve` runs: the 413 is that file's failure, never the batch's."""
    from api.remote import RemoteVeil
    from ingest.pipeline import SourceFile

    _, _, url = server
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(BODY + 10 * MB)  # 110 MB of zeros, sparse: over 100 MB of files plus 1 MB of fields
    remote = RemoteVeil(url, key=ADMIN)
    started = time.perf_counter()
    result = remote.ingest_file(SourceFile(big, "big.txt"), "default")
    assert result.status == "failed" and result.error == "server: the upload is over the 100 MB limit (api.max_upload_mb)"
    assert time.perf_counter() - started < 5
