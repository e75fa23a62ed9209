"""One bad request never damages Veil's state (issue 20).

Names are checked at every entry point before anything is written; a failure - or a crash - at any step
of the ingest journal is rolled back at once or repaired by the next start; and a start never fails
because of one document's journal row."""

from __future__ import annotations

import json
import sqlite3

import pytest

from core.errors import VeilError
from ingest.bulk import BulkIngest
from ingest.jobs import JobBook
from tests.fakes import InlineParser
from tests.unit.helpers import fake_veil

V1 = ("Refunds are paid within 14 days of a claim. Contact ops@example.com for refunds.\n\n"
      "The warranty covers water damage for 24 months from the date of purchase.\n\n"
      "Claims above the limit need a second signature from the finance team.")
V2 = V1.replace("14 days", "30 days").replace("24 months", "36 months") + "\n\nA new clause on parcels."
BAD_COLLECTIONS = ["HR docs", "../../x", "", "a/b", "x" * 65, "caf\u00e9", "nul\x00byte"]


class Crash(BaseException):
    """A kill at this very moment: nothing after it runs, no `except Exception` sees it."""


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def open_veil(data):
    return fake_veil(data, chunking={"size": 120, "overlap": 30})


def restart(data):
    """What every start does (`build_veil`): open the store and repair what a crash interrupted."""
    veil = open_veil(data)
    veil.pipeline.repair()
    return veil


def all_points(veil, collection="default") -> int:
    """Staged and published points: what the store holds, seen or not."""
    shard = veil.store._shard(collection)
    return 0 if shard is None else shard.count(veil.store._qe.CountRequest(exact=True))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The chunk texts a clean ingest of each version stores (None: the document is not there)."""
    texts = {None: []}
    for n, text in enumerate((V1, V2)):
        folder = tmp_path_factory.mktemp(f"clean{n}")
        veil = open_veil(folder / "data")
        veil.pipeline.ingest_file(write(folder / "policy.txt", text), "default")
        texts[text] = sorted(c.text for c in veil.store.iter_chunks("default"))
        veil.close()
    return texts


def write(path, text):
    path.write_text(text)
    return path


def assert_one_whole_version_or_none(veil, clean, allowed):
    """The store shows one clean run's version of the document (or nothing), holds no stray staged
    point, agrees with the registry, and the journal is empty."""
    chunks = list(veil.store.iter_chunks("default"))
    texts = sorted(c.text for c in chunks)
    assert texts in [clean[t] for t in allowed], texts
    assert all_points(veil) == len(chunks)  # nothing staged left behind
    documents = veil.registry.list()
    if chunks:
        assert len({c.payload["version"] for c in chunks}) == 1
        assert [d.chunks for d in documents] == [len(chunks)]
        assert documents[0].version == chunks[0].payload["version"]
    else:
        assert documents == []
    assert veil.registry.unfinished() == []


# -- names are checked before anything is written ------------------------------------------------------------

@pytest.mark.parametrize("collection", BAD_COLLECTIONS)
def test_the_pipeline_refuses_a_bad_collection_before_its_journal(data, tmp_path, collection):
    veil = open_veil(data)
    result = veil.pipeline.ingest_file(write(tmp_path / "a.txt", V1), collection)
    assert result.status == "failed" and "invalid collection name" in result.error
    assert veil.registry.unfinished() == [] and veil.registry.list() == []
    assert veil.pipeline.check(b"x", "a.txt", "k", collection).status == "failed"
    veil.close()
    restart(data).close()  # and the next start is as clean


def test_the_journal_itself_refuses_names_the_store_cannot_take(data, tmp_path):
    """Defence in depth: a prepared document that slipped past `check` is refused by `begin`."""
    from dataclasses import replace

    veil = open_veil(data)
    incoming = veil.pipeline.check(V1.encode(), "a.txt", "k", "default")
    prepared = veil.pipeline.prepare(incoming, veil.parser.parse(V1.encode(), "a.txt"))
    bad = replace(prepared, info=replace(prepared.info, collection="HR docs"))
    with pytest.raises(VeilError, match="invalid collection name"):
        veil.pipeline.write(bad, veil.pipeline.embed([bad])[0])
    with pytest.raises(VeilError, match="invalid group name"):
        veil.registry.begin("writing", replace(prepared.info, groups=("a b",)))
    with pytest.raises(VeilError, match="invalid collection name"):
        veil.pipeline.delete("../../x", prepared.info.doc_id)
    assert veil.registry.unfinished() == []
    veil.close()


def test_bulk_ingest_and_the_queue_refuse_bad_names_before_any_work(data, tmp_path):
    veil = open_veil(data)
    (tmp_path / "share").mkdir()
    write(tmp_path / "share" / "a.txt", V1)
    for collection, groups in (("HR docs", ["everyone"]), ("default", ["fin ance"])):
        with pytest.raises(VeilError, match="invalid"):
            BulkIngest(veil.pipeline, InlineParser()).run([tmp_path / "share"], collection, groups)
        jobs = JobBook(data / "veil.db")
        with pytest.raises(VeilError, match="invalid"):
            jobs.create(collection, tuple(groups), 1)
        jobs.close()
    assert veil.registry.unfinished() == [] and all_points(veil) == 0
    veil.close()


def test_the_cli_refuses_a_bad_collection_before_it_opens_anything(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("VEIL_DATA_DIR", str(tmp_path / "data"))
    write(tmp_path / "a.txt", V1)
    for args in (["--collection", "HR docs"], ["--collection", "../../x"], ["--groups", "a b"]):
        result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.txt"), *args])
        assert result.exit_code == 1 and "invalid" in result.output, result.output
    assert not (tmp_path / "data").exists()


# -- a start never fails because of one row ----------------------------------------------------------------

def journal_row(data, doc_id, step, document, folder_id=None):
    db = sqlite3.connect(data / "veil.db")
    db.execute("INSERT INTO ingest_journal VALUES (?, ?, ?, ?)", (doc_id, step, document, folder_id))
    db.commit()
    db.close()


def document_json(doc_id, collection="default", **extra):
    return json.dumps({"doc_id": doc_id, "collection": collection, "source": "a.txt", "content_hash": "h",
                       "ingested_at": "t", "chunks": 1, "redactions": {}, "groups": ["everyone"]} | extra)


def test_a_journal_row_with_a_bad_collection_is_quarantined_and_the_start_goes_on(data, tmp_path, caplog):
    """The observed failure: a `writing` row for `HR docs` stopped `veil serve`, `query` and `export`."""
    from api.wiring import build_veil
    from core.settings import Settings

    caplog.set_level("INFO")
    veil = open_veil(data)
    good = veil.pipeline.ingest_file(write(tmp_path / "a.txt", V1), "default")
    veil.close()
    bad_id, unreadable_id, wrong_step_id = ("00000000-0000-0000-0000-00000000000%d" % n for n in (1, 2, 3))
    journal_row(data, bad_id, "writing", document_json(bad_id, "HR docs"))
    journal_row(data, "../etc/passwd", "deleting", document_json("../etc/passwd", "../../x"))
    journal_row(data, unreadable_id, "publishing", "{not json")
    journal_row(data, wrong_step_id, "publishing", document_json(wrong_step_id, groups=["a b"]))

    settings = Settings(data_dir=data, embedding={"kind": "hashing", "dim": 64})
    started = build_veil(settings)  # the start repairs: it must not fail
    try:
        assert started.registry.unfinished() == []
        assert sorted(started.registry.quarantined()) == sorted([
            (bad_id, "invalid collection name"), ("../etc/passwd", "invalid collection name"),
            (unreadable_id, "unreadable entry"), (wrong_step_id, "invalid group name")])
        assert [d.doc_id for d in started.registry.list()] == [good.doc_id]
        assert started.store.count("default") == good.chunks
    finally:
        started.close()
    assert "HR docs" not in caplog.text and "../" not in caplog.text and "not json" not in caplog.text
    assert "<malformed id>" in caplog.text and bad_id in caplog.text

    again = open_veil(data)  # the quarantined rows are out of the way of a re-ingest too
    assert again.pipeline.ingest_file(write(tmp_path / "a.txt", V2), "default").status == "updated"
    again.close()


def test_a_row_the_store_cannot_repair_now_is_skipped_and_the_others_are_repaired(data, tmp_path, monkeypatch):
    veil = open_veil(data)
    first = veil.pipeline.ingest_file(write(tmp_path / "a.txt", V1), "default")
    second = veil.pipeline.ingest_file(write(tmp_path / "b.txt", V1), "default")
    for doc_id in (first.doc_id, second.doc_id):
        veil.registry.begin("deleting", veil.registry.get(doc_id))
    real_delete = veil.store.delete_document

    def down_for_first(collection, doc_id):
        if doc_id == first.doc_id:
            raise ConnectionError("store away")
        return real_delete(collection, doc_id)

    monkeypatch.setattr(veil.store, "delete_document", down_for_first)
    assert veil.pipeline.repair() == [second.doc_id]  # no exception: the start goes on
    assert [e.document.doc_id for e in veil.registry.unfinished()] == [first.doc_id]  # tried again next start
    with pytest.raises(ConnectionError):
        veil.pipeline.repair(first.doc_id)  # its own writer is told
    monkeypatch.setattr(veil.store, "delete_document", real_delete)
    assert veil.pipeline.repair() == [first.doc_id] and veil.registry.unfinished() == []
    veil.close()


def test_an_unreadable_registry_row_is_skipped_by_the_listings(data, tmp_path):
    veil = open_veil(data)
    good = veil.pipeline.ingest_file(write(tmp_path / "a.txt", V1), "default")
    db = sqlite3.connect(data / "veil.db")
    db.execute("INSERT INTO documents (doc_id, collection, source, content_hash, ingested_at, chunks, redactions, "
               "status, groups) VALUES ('x', 'default', 'b.txt', 'h', 't', 1, '{bad', 'done', '[]')")
    db.commit()
    db.close()
    assert [d.doc_id for d in veil.registry.list()] == [good.doc_id]
    assert [d.doc_id for d in veil.registry.list("default")] == [good.doc_id]
    assert veil.registry.get("x") is None and veil.registry.get(good.doc_id).doc_id == good.doc_id
    veil.close()


# -- a failure at any journal step -----------------------------------------------------------------------------

WRITE_STEPS = [  # (what, method, only when its first argument is ...)
    ("registry", "begin", "writing"),
    ("store", "stage", None),
    ("audit", "append_many", None),
    ("registry", "advance", "publishing"),
    ("store", "publish", None),
    ("registry", "published", None),
]
DELETE_STEPS = [
    ("registry", "begin", "deleting"),
    ("store", "delete_document", None),
    ("audit", "append", "document.deleted"),
    ("registry", "removed", None),
]
FAILURES = ["error", "crash before", "crash after"]


def inject(monkeypatch, veil, what, method, when, failure):
    target = getattr(veil, what)
    real = getattr(target, method)

    def failing(*args, **kwargs):
        if when is not None and when not in args:
            return real(*args, **kwargs)
        if failure == "error":
            raise RuntimeError("injected")
        if failure == "crash after":
            real(*args, **kwargs)
        raise Crash()

    monkeypatch.setattr(target, method, failing)


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("what,method,when", WRITE_STEPS)
@pytest.mark.parametrize("replacing", [True, False], ids=["update", "new"])
def test_a_failed_write_is_rolled_back_or_repaired_by_the_next_start(data, tmp_path, clean, monkeypatch, what,
                                                                     method, when, failure, replacing):
    path = tmp_path / "policy.txt"
    veil = open_veil(data)
    if replacing:
        assert veil.pipeline.ingest_file(write(path, V1), "default").status == "ingested"
    inject(monkeypatch, veil, what, method, when, failure)
    write(path, V2)
    if failure == "error":
        assert veil.pipeline.ingest_file(path, "default").status == "failed"
    else:
        with pytest.raises(Crash):
            veil.pipeline.ingest_file(path, "default")
    monkeypatch.undo()
    veil.close()

    veil = restart(data)
    assert_one_whole_version_or_none(veil, clean, [V1 if replacing else None, V2])
    again = veil.pipeline.ingest_file(path, "default")  # a re-ingest works
    assert again.status in ("ingested", "updated", "unchanged")
    assert_one_whole_version_or_none(veil, clean, [V2])
    veil.close()


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("what,method,when", DELETE_STEPS)
def test_a_failed_removal_is_finished_by_the_next_start(data, tmp_path, clean, monkeypatch, what, method, when,
                                                        failure):
    path = tmp_path / "policy.txt"
    veil = open_veil(data)
    doc = veil.pipeline.ingest_file(write(path, V1), "default")
    inject(monkeypatch, veil, what, method, when, failure)
    with pytest.raises(RuntimeError if failure == "error" else Crash):
        veil.pipeline.delete("default", doc.doc_id)
    monkeypatch.undo()
    veil.close()

    veil = restart(data)
    never_started = method == "begin" and failure != "crash after"
    assert_one_whole_version_or_none(veil, clean, [V1] if never_started else [None])
    assert veil.pipeline.ingest_file(path, "default").status in ("ingested", "unchanged")
    assert_one_whole_version_or_none(veil, clean, [V1])
    veil.close()
