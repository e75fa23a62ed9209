"""`veil watch` and `veil serve --watch` on the real embedded stack: files dropped into a folder are
redacted and searchable, a deletion removes them, and a restart re-ingests nothing."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import VEIL, VeilRunner, free_port, wait_until_up

pytestmark = pytest.mark.e2e

PLANTED = "marguerite.okonkwo-hale@example.org"
NOTE = (f"Refund request from Marguerite Okonkwo-Hale ({PLANTED}). The refund of 480 EUR was approved "
        "on the condition that the damaged blender is returned within 30 days.\n")


class Lines:
    """A subprocess's output read by a thread, so a test can wait for a line without blocking."""

    def __init__(self, stream) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line)

    def wait_for(self, predicate, seconds: float = 180) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError(f"no such line within {seconds} s; saw: {self.seen[-20:]}")


def start_watch(runner: VeilRunner, folder: Path) -> tuple[subprocess.Popen, Lines]:
    proc = subprocess.Popen([*VEIL, "watch", str(folder), "--json", "--settle", "0.3"], cwd=runner.workdir,
                            env=runner.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, Lines(proc.stdout)


def file_event(path: str, status: str):
    def matches(line: str) -> bool:
        result = json.loads(line)
        return result["path"] == path and result["status"] == status
    return matches


def stop(proc: subprocess.Popen, runner: VeilRunner) -> None:
    proc.send_signal(signal.SIGINT)
    stderr = proc.communicate(timeout=60)[1]
    runner.transcript.append(stderr)
    assert proc.returncode == 0, stderr[-2000:]
    assert "stopped watching" in stderr


def test_veil_watch_follows_a_folder_and_a_restart_re_ingests_nothing(tmp_path):
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "existing.txt").write_text("Parcels ship on weekdays from the Leeds warehouse.\n")

    proc, lines = start_watch(runner, inbox)
    try:
        lines.wait_for(file_event("inbox/existing.txt", "ingested"))  # caught up first
        (inbox / "refund.txt").write_text(NOTE)
        added = json.loads(lines.wait_for(file_event("inbox/refund.txt", "ingested")))
        assert added["redactions"].get("EMAIL_ADDRESS") == 1
        (inbox / "existing.txt").unlink()
        lines.wait_for(file_event("inbox/existing.txt", "deleted"))
    finally:
        if proc.poll() is None:
            stop(proc, runner)
    runner.transcript += lines.seen

    stored = [json.loads(line) for line in runner.run("export").stdout.splitlines()]
    assert [c["metadata"]["source"] for c in stored] == ["inbox/refund.txt"]
    assert "blender" in stored[0]["text"] and PLANTED not in stored[0]["text"]

    proc, lines = start_watch(runner, inbox)  # a restart: what was done stays done
    try:
        lines.wait_for(file_event("inbox/refund.txt", "unchanged"))
    finally:
        stop(proc, runner)
    runner.transcript += lines.seen
    assert not any(json.loads(line)["status"] == "ingested" for line in lines.seen)
    assert PLANTED not in "".join(runner.transcript) + runner.log_text()

    refused = runner.run("watch", str(inbox / "refund.txt"), check=False)
    assert refused.returncode != 0 and "not a folder" in refused.stderr


def test_serve_watch_makes_dropped_files_searchable_while_it_answers(tmp_path):
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    port = free_port()
    proc = subprocess.Popen([*VEIL, "serve", "--port", str(port), "--watch", str(inbox), "--settle", "0.3"],
                            cwd=runner.workdir, env=runner.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    lines = Lines(proc.stdout)
    try:
        wait_until_up(f"{url}/healthz", proc, "veil serve --watch")
        (inbox / "refund.txt").write_text(NOTE)
        lines.wait_for(lambda line: "inbox/refund.txt" in line and "ingested" in line)
        refused = runner.run("watch", str(inbox), check=False)  # one process holds the store
        assert refused.returncode != 0 and "veil serve --watch" in refused.stderr
        answer = runner.json("query", "Which item must be returned for the refund?")
        assert any("blender" in c["text"] for c in answer["citations"])
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    runner.transcript += lines.seen
    assert PLANTED not in "".join(runner.transcript) + runner.log_text()
