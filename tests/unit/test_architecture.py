"""The dependency rules of DESIGN.md, checked on the source (imports inside functions included)."""

from __future__ import annotations

import ast
import re
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


# Word lists have one home (core/vocabulary): a product module that spells out a month, a weekday or
# an honorific, in code or in a comment, is a second copy that will drift from the first.
_VOCABULARY_WORDS = re.compile(
    r"(?i)january|february|april|june|july|august|september|october|november|december"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|\b(?:jan|feb|apr|jun|jul|aug|sept|oct|nov|dec)\b|\bmrs?\b|\bmister\b|\bmx\b|\bdr\.\s?[A-Z]")


def _spelled_vocabulary() -> list[tuple[str, int, str]]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if relative.parts[:2] == ("core", "vocabulary"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                found += [(str(relative), number, m.group()) for m in _VOCABULARY_WORDS.finditer(line)]
    return found


def test_month_weekday_and_honorific_words_live_only_in_core_vocabulary():
    assert _spelled_vocabulary() == []


def test_the_vocabulary_scan_finds_a_spelled_word():
    """The scan above must be able to fail: a stray list in a product module is found."""
    assert _VOCABULARY_WORDS.search('_MONTHS = {"january", "february"}')
    assert _VOCABULARY_WORDS.search('_HONORIFIC = r"(?:mr|mrs|ms)"')
    assert _VOCABULARY_WORDS.search('# "Dr. Okafor" is a name')
    assert not _VOCABULARY_WORDS.search('"street st avenue drive dr"  # 12 ms, p50')


def _redaction_import_graph() -> dict[str, set[str]]:
    """module -> the redaction modules it imports, at module level or inside functions."""
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (ROOT / "redaction").rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_redaction_modules_import_one_another_without_a_cycle():
    """A package's __init__ importing its own modules (the recognizer registry) is not a cycle of
    theirs unless one of them imports the package back."""
    assert _cycles(_redaction_import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
