from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.offline import harden_environment

harden_environment()

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "documents"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch, tmp_path):
    """No test reads a developer's veil.toml or VEIL_* variables by accident."""
    for key in list(os.environ):
        if key.startswith("VEIL_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def planted() -> list[dict]:
    return json.loads((ROOT / "examples" / "planted.json").read_text())


@pytest.fixture(scope="session")
def sample_questions() -> list[dict]:
    return json.loads((ROOT / "examples" / "questions.json").read_text())
