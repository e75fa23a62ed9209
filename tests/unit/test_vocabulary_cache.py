"""Tables drawn from package data are extracted once into the user's cache and read from there."""

from __future__ import annotations

import gzip

from core.vocabulary.name_ranks import cached_json


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


def test_the_install_step_writes_both_caches_or_says_it_could_not(tmp_path, monkeypatch, capsys):
    from core.vocabulary import __main__ as prepare
    from core.vocabulary import drugs, name_ranks, names

    monkeypatch.setattr(name_ranks, "build", lambda cap: {"alder": 3})
    monkeypatch.setattr(drugs, "_extract", lambda: ["warfarin"])
    tables = (names.world_name_ranks, drugs.drug_names)
    try:
        for table in tables:
            table.cache_clear()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        prepare.main()
        assert "1 name ranks, 1 drug names" in capsys.readouterr().out
        assert {p.name for p in (tmp_path / "veil").iterdir()} == {
            name_ranks.cache_path(names.WORLD_RANK_CAP).name, drugs.drug_cache_path().name}

        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the cache folder would be")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
        for table in tables:
            table.cache_clear()
        prepare.main()
        assert "could not be written" in capsys.readouterr().err

        # a stale, unreadable cache that cannot be replaced is not "ready", though the file is there
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        name_ranks.cache_path(names.WORLD_RANK_CAP).write_bytes(b"not gzip at all")
        monkeypatch.setattr(name_ranks, "_write_atomically", lambda path, table: (_ for _ in ()).throw(OSError()))
        for table in tables:
            table.cache_clear()
        prepare.main()
        assert "could not be written" in capsys.readouterr().err
    finally:
        for table in tables:
            table.cache_clear()  # the real tables again for the tests that follow
