"""Presidio is imported without Hugging Face transformers (3.7 s of every redacting process's start),
and transformers stays importable for the torch embedder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("presidio_analyzer")

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import redaction.recognizers
from redaction.presidio import PresidioDetector
from core.settings import RedactionSettings
detector = PresidioDetector(RedactionSettings())
found = detector.detect(["Call Ingrid Halvorsen on +44 20 7946 0958."])[0]
print("transformers loaded by presidio:", "transformers" in sys.modules)
print("types:", sorted({d.entity_type for d in found}))
import transformers
print("transformers importable:", hasattr(transformers, "__version__"))
"""


def test_presidio_loads_without_transformers_and_transformers_still_imports_afterwards():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "transformers loaded by presidio: False" in out.stdout
    assert "'PERSON'" in out.stdout and "'PHONE_NUMBER'" in out.stdout  # detection is whole without it
    assert "transformers importable: True" in out.stdout


def test_an_earlier_transformers_import_is_left_as_it_is(monkeypatch):
    from redaction.presidio_package import import_presidio

    sentinel = object()
    monkeypatch.setitem(sys.modules, "transformers", sentinel)
    monkeypatch.delitem(sys.modules, "presidio_analyzer", raising=False)
    import_presidio()  # returns at once: the package someone imported is never replaced
    assert sys.modules["transformers"] is sentinel
