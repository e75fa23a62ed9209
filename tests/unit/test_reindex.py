"""Issue 25, items 1 and 2: a collection records its embedder, nothing embedded by another one is ever
searched or written there, and `veil reindex` re-embeds a collection from its stored chunks, atomically
and resumably. Fast embedders (hashing) around the real Qdrant Edge store and registry; the real
MiniLM stack runs in tests/e2e/test_reindex.py."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.errors import VeilError
from ingest.collections import CollectionEmbedders, EmbedderMismatchError
from ingest.reindex import Reindexer, finish_interrupted
from retrieval.hashing import HashingEmbedder
from retrieval.identity import LEGACY, EmbedderIdentity
from tests.unit.helpers import fake_veil

DOCS = {
    "refunds.txt": "Refunds are paid within 14 days of a claim, once the returned goods have been checked.\n\n"
                   "Write to ops@example.com for a refund form; the form asks for the order number and date.",
    "warranty.txt": "The warranty covers water damage for 24 months from the date of purchase of the device.\n\n"
                    "Batteries are covered for one year only, and only when they were charged as the manual says.",
    "parcels.txt": "Parcels above 30 kg travel by freight, on pallets, and need a signature at the delivery.\n\n"
                   "Freight is booked two days ahead by the depot, which tells the customer the time slot.",
    "hours.txt": "The depot opens at 7 and closes at 19 on weekdays, with a lunch break from 12 to 13.\n\n"
                 "On Saturdays it closes at noon; on Sundays and public holidays it stays closed all day.",
}
QUESTIONS = ["how long is the warranty", "when are refunds paid", "when does the depot close", "heavy parcels"]


class SaltedHashing(HashingEmbedder):
    """Another embedder of the same width: HashingEmbedder's vectors with their dimensions rotated. Each
    vector differs (a query of one against the other's chunks ranks noise), the cosines between two of
    its own do not: re-embedded with it, a collection must answer exactly as before."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.identity = EmbedderIdentity(f"salted-{dim}", "hashing", dim, "salted-1")

    def embed_query(self, text: str) -> np.ndarray:
        return np.roll(super().embed_query(text), 7)


class Fail(Exception):
    pass


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def open_veil(data, embedder=None, build=None):
    veil = fake_veil(data, chunking={"size": 100, "overlap": 10})
    if embedder is not None:
        veil.embedder = embedder
    if build is not None:  # what this Veil can rebuild from a recorded identity
        veil.embedders = CollectionEmbedders(veil.embedder, veil.registry.collections, build)
        veil.embedders.adopt_legacy(veil.store)
    return veil


def ingest_all(veil, folder, collection="default"):
    folder.mkdir(exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text)
        assert veil.pipeline.ingest_file(folder / name, collection).status == "ingested"


def results(veil, collection="default"):
    return [[(h.doc_id, h.text) for h in veil.answerer.retrieve(q, collection, 3)] for q in QUESTIONS]


def hit_sets(found):
    return [set(hits) for hits in found]


def all_points(veil, collection="default") -> int:
    shard = veil.store._shard(collection)
    return 0 if shard is None else shard.count(veil.store._qe.CountRequest(exact=True))


# -- item 1: the embedder is part of the collection ------------------------------------------------------------

def test_the_first_write_records_the_embedder_and_queries_use_it(data, tmp_path):
    veil = open_veil(data)
    ingest_all(veil, tmp_path / "docs")
    assert veil.registry.collections.recorded("default") == HashingEmbedder(64).identity
    before = results(veil)
    veil.close()
    # configured with another embedder now: the collection is still queried with its recorded one, rebuilt
    veil = open_veil(data, embedder=HashingEmbedder(32))
    assert results(veil) == before
    assert veil.embedders.for_collection("default").identity == HashingEmbedder(64).identity
    veil.close()


def test_a_query_the_recorded_embedder_cannot_serve_is_refused_naming_both(data, tmp_path):
    veil = open_veil(data, embedder=SaltedHashing())
    ingest_all(veil, tmp_path / "docs")
    veil.close()
    veil = open_veil(data)  # configured: plain hashing; SaltedHashing cannot be rebuilt from its record
    with pytest.raises(EmbedderMismatchError) as refused:
        veil.answerer.retrieve("warranty", "default")
    message = str(refused.value)
    assert "salted-64 (hashing, 64 dims, weights salted-1)" in message and "hashing-64 (hashing, 64 dims" in message
    assert "veil reindex --collection default" in message
    veil.close()


def test_a_write_with_another_embedder_is_refused_and_nothing_is_mixed(data, tmp_path):
    veil = open_veil(data)
    ingest_all(veil, tmp_path / "docs")
    points = all_points(veil)
    (tmp_path / "new.txt").write_text("A new note about the canteen menu.")
    incoming = veil.pipeline.check(b"A new note about the canteen menu.", "new.txt", "k", "default")
    prepared = veil.pipeline.prepare(incoming, veil.parser.parse(b"A new note about the canteen menu.", "new.txt"))
    salted = SaltedHashing()
    with pytest.raises(EmbedderMismatchError, match="was embedded with hashing-64 .* not salted-64"):
        veil.pipeline.write(prepared, salted.embed_documents([c.text for c in prepared.chunks]),
                            embedded_with=salted.identity)
    assert all_points(veil) == points and veil.registry.unfinished() == []
    veil.close()


def test_a_handed_over_document_of_another_embedder_fails_its_file(data, tmp_path):
    """A queue worker configured with another model: the store's owner refuses what it embedded."""
    from ingest.queue import decode_document, embedded_with, encode_document

    veil = open_veil(data)
    ingest_all(veil, tmp_path / "docs")
    text = b"A new note about the canteen menu."
    prepared = veil.pipeline.prepare(veil.pipeline.check(text, "new.txt", "k", "default"),
                                     veil.parser.parse(text, "new.txt"))
    salted = SaltedHashing()
    message = encode_document(prepared, salted.embed_documents([c.text for c in prepared.chunks]), None,
                              salted.identity)
    decoded, vectors, folder = decode_document(message)
    assert embedded_with(message) == salted.identity
    with pytest.raises(EmbedderMismatchError):
        veil.pipeline.write(decoded, vectors, folder, embedded_with=embedded_with(message))
    veil.close()


def test_a_collection_stored_before_identities_counts_as_torch_minilm(data, tmp_path):
    veil = open_veil(data)
    ingest_all(veil, tmp_path / "docs")
    veil.registry.collections._db.execute("DELETE FROM collection_embedders")  # as a Veil before this change left it
    veil.close()
    veil = open_veil(data, build=lambda identity: None)
    assert veil.registry.collections.recorded("default") == LEGACY
    with pytest.raises(EmbedderMismatchError, match="all-MiniLM-L6-v2 \\(torch, 384 dims\\), not hashing-64"):
        veil.embedders.check_write("default", HashingEmbedder(64).identity)
    with pytest.raises(EmbedderMismatchError, match="all-MiniLM-L6-v2"):
        veil.answerer.retrieve("warranty", "default")
    veil.close()


def test_a_legacy_record_is_pinned_by_the_minilm_that_extends_it(data):
    veil = open_veil(data)
    records = veil.registry.collections
    records.claim("old", LEGACY)
    minilm = replace(LEGACY, fingerprint="sha256:" + "ab" * 16)
    veil.embedders.check_write("old", minilm)
    assert records.recorded("old") == minilm
    with pytest.raises(EmbedderMismatchError):  # pinned: other MiniLM weights are another embedder now
        veil.embedders.check_write("old", replace(LEGACY, fingerprint="sha256:" + "cd" * 16))
    veil.close()


def test_identity_fingerprint_follows_the_weights(tmp_path):
    from retrieval.identity import folder_fingerprint

    (tmp_path / "config.json").write_text('{"hidden_size": 384}')
    (tmp_path / "model.safetensors").write_bytes(b"\x00" * 1000)
    first = folder_fingerprint(tmp_path)
    assert folder_fingerprint(tmp_path) == first
    (tmp_path / "model.safetensors").write_bytes(b"\x01" + b"\x00" * 999)  # same size, other weights
    assert folder_fingerprint(tmp_path) != first
    assert EmbedderIdentity.from_json(EmbedderIdentity("m", "torch", 8, first, "/x").to_json()).model == "/x"


# -- item 2: veil reindex ----------------------------------------------------------------------------------------

def test_reindex_to_another_embedder_keeps_search_results_and_switches_in_one_step(data, tmp_path):
    salted = SaltedHashing()
    veil = open_veil(data, build=lambda identity: salted if identity == salted.identity else HashingEmbedder(64))
    ingest_all(veil, tmp_path / "docs")
    before, points = results(veil), all_points(veil)
    seen = []

    def during(progress):  # searches keep working, with the old embedder, on the old version
        seen.append(hit_sets(results(veil)))

    report = Reindexer(veil.pipeline, veil.store, salted, veil.lock, on_progress=during).run("default")
    # the same hits (their order may move a little: staged points count in BM25's document frequencies)
    assert seen == [hit_sets(before)] * (len(DOCS) + 1)
    assert (report.documents, report.chunks, report.resumed) == (len(DOCS), points, 0)
    assert report.dropped == points and all_points(veil) == points  # the old points went, nothing staged is left
    assert veil.registry.collections.recorded("default") == salted.identity
    assert veil.embedders.for_collection("default") is salted
    after = results(veil)
    assert after == before
    generations = {c.payload.get("generation") for c in veil.store.iter_chunks("default")}
    assert len(generations) == 1 and None not in generations  # every live point is the run's
    veil.close()


def ingested_for_salted(data, tmp_path):
    """A Veil whose documents are ingested with the plain hashing embedder, able to open the salted one."""
    salted = SaltedHashing()
    build = lambda identity: salted if identity == salted.identity else HashingEmbedder(64)  # noqa: E731
    veil = open_veil(data, build=build)
    ingest_all(veil, tmp_path / "docs")
    return salted, build, veil


def test_a_crash_mid_reindex_leaves_the_old_version_searchable_and_a_rerun_completes(data, tmp_path, monkeypatch):
    salted, build, veil = ingested_for_salted(data, tmp_path)
    before, points = results(veil), all_points(veil)
    stage, calls = veil.store.stage, []

    def failing_stage(chunks):
        calls.append(len(chunks))
        if len(calls) == 3:
            raise Fail("the disk filled up")
        stage(chunks)

    monkeypatch.setattr(veil.store, "stage", failing_stage)
    with pytest.raises(Fail):
        Reindexer(veil.pipeline, veil.store, salted, veil.lock).run("default")
    monkeypatch.undo()
    assert results(veil) == before  # the old version, with the old embedder, live
    assert veil.registry.collections.recorded("default") == HashingEmbedder(64).identity
    assert all_points(veil) > points  # two documents' new points staged, unseen
    veil.close()

    veil = open_veil(data, build=build)  # a restart does not publish a half-staged run
    finish_interrupted(veil.pipeline, veil.store)
    assert results(veil) == before
    report = Reindexer(veil.pipeline, veil.store, salted, veil.lock).run("default")
    assert report.resumed == 2 and report.documents == len(DOCS) and all_points(veil) == points
    assert veil.registry.collections.recorded("default") == salted.identity
    assert results(veil) == before
    veil.close()


def test_a_crash_while_publishing_is_finished_by_the_next_start(data, tmp_path, monkeypatch):
    salted, build, veil = ingested_for_salted(data, tmp_path)
    points = all_points(veil)

    def crash(collection, target):
        raise Fail("killed between the switch and its record")

    monkeypatch.setattr(veil.registry.collections, "finish_reindex", crash)
    with pytest.raises(Fail):
        Reindexer(veil.pipeline, veil.store, salted, veil.lock).run("default")
    monkeypatch.undo()
    with pytest.raises(VeilError, match="interrupted while it was being published"):
        veil.answerer.retrieve("warranty", "default")  # which vectors are live is not known: refused, not mixed
    veil.close()
    veil = open_veil(data, build=build)
    assert finish_interrupted(veil.pipeline, veil.store) == ["default"]
    assert veil.registry.collections.recorded("default") == salted.identity and all_points(veil) == points
    assert veil.answerer.retrieve("warranty", "default")
    veil.close()


def test_writes_wait_for_a_running_reindex_and_then_use_the_new_embedder(data, tmp_path):
    salted = SaltedHashing()
    veil = open_veil(data, build=lambda identity: salted if identity == salted.identity else None)
    ingest_all(veil, tmp_path / "docs")
    (tmp_path / "new.txt").write_text("A new note about the canteen menu.")
    outcomes = []

    def during(progress):
        if not outcomes:
            outcomes.append(veil.pipeline.ingest_file(tmp_path / "new.txt", "default"))

    Reindexer(veil.pipeline, veil.store, salted, veil.lock, on_progress=during).run("default")
    assert outcomes[0].status == "failed" and "being re-indexed" in outcomes[0].error
    assert veil.pipeline.ingest_file(tmp_path / "new.txt", "default").status == "ingested"  # with salted, rebuilt
    assert {c.payload.get("generation") is None for c in veil.store.iter_chunks("default")} == {True, False}
    veil.close()


def test_reindex_refuses_what_it_cannot_do(data, tmp_path):
    veil = open_veil(data)
    with pytest.raises(VeilError, match="no collection named nothing"):
        Reindexer(veil.pipeline, veil.store, HashingEmbedder(64)).run("nothing")
    ingest_all(veil, tmp_path / "docs")
    with pytest.raises(VeilError, match="holds 64-dimension vectors .* makes 32: a re-index keeps the width"):
        Reindexer(veil.pipeline, veil.store, HashingEmbedder(32)).run("default")
    with pytest.raises(VeilError, match="invalid collection name"):
        Reindexer(veil.pipeline, veil.store, HashingEmbedder(64)).run("../x")
    assert veil.registry.collections.plan("default") is None
    veil.close()

