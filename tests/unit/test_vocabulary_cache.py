"""Tables drawn from package data are extracted once into the user's cache and read from there."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from core.vocabulary.name_ranks import cached_json

REPO = Path(__file__).resolve().parents[2]


def counting_builder(table):
    calls = []

    def build():
        calls.append(1)
        return table

    return build, calls


def test_a_table_is_built_once_then_read_from_the_cache(tmp_path):
    path = tmp_path / "veil" / "table.json.gz"
    build, calls = counting_builder({"alder": 3, "birch": 7})
    assert cached_json(path, build) == {"alder": 3, "birch": 7}
    assert cached_json(path, build) == {"alder": 3, "birch": 7}
    assert len(calls) == 1 and path.exists()
    assert [p.name for p in path.parent.iterdir()] == ["table.json.gz"]  # no partial file left behind


def test_an_unreadable_cache_is_rebuilt(tmp_path):
    path = tmp_path / "table.json.gz"
    path.write_bytes(b"not gzip at all")
    build, calls = counting_builder(["alder"])
    assert cached_json(path, build) == ["alder"] and len(calls) == 1
    with gzip.open(path, "rt") as handle:
        assert handle.read() == '["alder"]'


def test_a_cache_that_cannot_be_written_still_gives_the_table(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    build, calls = counting_builder(["alder"])
    assert cached_json(blocker / "table.json.gz", build) == ["alder"]
    assert cached_json(blocker / "table.json.gz", build) == ["alder"] and len(calls) == 2


def test_the_install_step_prepares_both_caches():
    run = subprocess.run([sys.executable, "-m", "core.vocabulary"], capture_output=True, text=True,
                         timeout=300, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("vocabulary caches ready:") and " 0 " not in run.stdout
