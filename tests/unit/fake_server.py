"""`veil serve` on the fast fakes: a real uvicorn process around the real app, for tests that need a
socket (`python -m tests.unit.fake_server DATA_DIR PORT ADMIN_TOKEN`)."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import uvicorn

from api.app import create_app
from tests.unit.helpers import fake_veil


def _die_with_parent() -> None:
    """A test killed mid-run must not leave its server behind."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def main(data_dir: str, port: str, admin_token: str) -> None:
    threading.Thread(target=_die_with_parent, daemon=True).start()
    veil = fake_veil(Path(data_dir), retrieval={"min_score": 0.01})
    try:
        uvicorn.run(create_app(veil, admin_token), host="127.0.0.1", port=int(port), log_level="warning")
    finally:
        veil.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
