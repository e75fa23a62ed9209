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


def _store_kind_readers() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Attribute) and node.attr == "kind" and isinstance(node.value, ast.Attribute)
                        and node.value.attr == "store"):
                    found.add(str(path.relative_to(ROOT)))
    return found


def test_the_store_kind_is_read_only_where_the_store_is_built_and_in_settings():
    """Everyone else asks the store's capabilities (`retrieval.base.StoreCapabilities`)."""
    assert _store_kind_readers() == {"api/wiring.py", "core/settings.py"}


def test_the_store_capabilities_are_known_without_opening_the_store(tmp_path):
    from api.wiring import build_store, store_capabilities
    from core.settings import Settings

    embedded = Settings(data_dir=tmp_path)
    server = Settings(data_dir=tmp_path, store={"kind": "qdrant", "url": "http://127.0.0.1:9"}, audit={"key": "k" * 64})
    assert store_capabilities(server).embedded is False  # no server there: nothing was contacted
    store = build_store(embedded)
    try:
        assert store_capabilities(embedded) == store.capabilities and store.capabilities.embedded
    finally:
        store.close()
