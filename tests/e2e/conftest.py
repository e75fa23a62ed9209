"""End-to-end fixtures: the real `veil` CLI in subprocesses, on the real embedded stack."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import SAMPLES

VEIL = [sys.executable, "-m", "api"]


@dataclass
class VeilRunner:
    data_dir: Path
    workdir: Path
    transcript: list[str] = field(default_factory=list)  # every stdout/stderr, for the leak checks

    extra_env: dict = field(default_factory=dict)  # VEIL_* settings for this runner's commands

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")}
        return env | {"VEIL_DATA_DIR": str(self.data_dir)} | self.extra_env

    def run(self, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
        proc = subprocess.run([*VEIL, *args], cwd=self.workdir, env=self.env(), capture_output=True,
                              text=True, timeout=timeout)
        self.transcript += [proc.stdout, proc.stderr]
        if check and proc.returncode != 0:
            raise AssertionError(f"veil {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
        return proc

    def json(self, *args: str, check: bool = True):
        return json.loads(self.run(*args, "--json", check=check).stdout)

    def log_text(self) -> str:
        log = self.data_dir / "logs" / "veil.log"
        return log.read_text() if log.exists() else ""


@pytest.fixture(scope="session")
def ingested(tmp_path_factory) -> tuple[VeilRunner, dict]:
    """The bundled samples ingested once into a fresh data dir."""
    workdir = tmp_path_factory.mktemp("e2e")
    runner = VeilRunner(workdir / ".veil", workdir)
    report = runner.json("ingest", str(SAMPLES))
    return runner, report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(probe: str, proc: subprocess.Popen, what: str, seconds: float = 120) -> None:
    """Poll `probe` until it answers 200; fail (and kill `proc`) if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(probe, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail(f"{what} did not come up: {proc.stdout.read() if proc.stdout else ''}")


@contextmanager
def serving(runner: VeilRunner, env: dict | None = None) -> Iterator[httpx.Client]:
    """`veil serve` on the runner's data dir (plus `env`) until the block ends; yields a client of
    it that sends the server's local admin token."""
    port = free_port()
    proc = subprocess.Popen([*VEIL, "serve", "--port", str(port)], cwd=runner.workdir,
                            env=runner.env() | (env or {}), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/healthz", proc, "veil serve")
    token = (runner.data_dir / "keys" / "admin.token").read_text().strip()
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300) as client:
            yield client
    finally:
        proc.terminate()
        runner.transcript.append(proc.communicate(timeout=30)[0])
