"""The dependency rules of DESIGN.md, checked on the source (imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "redaction", "retrieval", "ingest", "generation", "api"]
ALLOWED = {  # what each package may import from Veil
    "core": {"core"},
    "redaction": {"core", "redaction"},
    "retrieval": {"core", "retrieval"},
    "ingest": {"core", "redaction", "retrieval", "ingest"},
    "generation": {"core", "retrieval", "generation"},
    "api": set(PACKAGES),
}
HEAVY = ("llama_cpp", "qdrant_edge", "qdrant_client", "presidio_analyzer", "presidio_anonymizer",
         "unstructured", "llama_index", "torch", "sentence_transformers", "spacy")


def imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_dependency_direction(package):
    bad = [(p.name, m) for p, m in imports(package)
           if m.split(".")[0] in PACKAGES and m.split(".")[0] not in ALLOWED[package]]
    assert bad == []


def test_api_never_imports_backends_directly():
    bad = [(p.name, m) for p, m in imports("api") if m.split(".")[0] in HEAVY]
    assert bad == []


def test_heavy_libraries_load_lazily():
    """`veil --help` must be instant: importing the CLI and the wiring loads no model library."""
    import subprocess
    import sys

    code = ("import sys, api.cli, api.wiring, api.app; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
