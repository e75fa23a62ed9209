"""How the CLI finds a running `veil serve` that holds the embedded store, to route work through it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

FILE_NAME = "server.json"


def publish(data_dir: Path, url: str) -> Path:
    path = data_dir / FILE_NAME
    path.write_text(json.dumps({"pid": os.getpid(), "url": url}))
    return path


def withdraw(data_dir: Path) -> None:
    path = data_dir / FILE_NAME
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def running_server(data_dir: Path) -> tuple[int, str] | None:
    """(pid, url) of a live server on this data dir, or None."""
    try:
        info = json.loads((data_dir / FILE_NAME).read_text())
        pid, url = int(info["pid"]), str(info["url"])
        os.kill(pid, 0)
        httpx.get(f"{url}/healthz", timeout=2.0).raise_for_status()
    except (OSError, ValueError, KeyError, httpx.HTTPError):
        return None
    return pid, url
