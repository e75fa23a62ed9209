"""Requests about one person (`ingest.subjects`, `veil subject`, `/v1/subjects`) with fast fakes around a real
Qdrant Edge store: find by keyed hash, forget (points, vault, mark), every ingest path honouring the mark,
allow, roles, and no looked-up value anywhere in the data dir, the audit trail or an answer.
Invented people and addresses only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cryptography.fernet import Fernet

from api.wiring import Veil
from core.audit import AuditLog
from core.errors import NotFoundError, PermissionDeniedError, VeilError
from core.settings import Settings
from core.types import LOCAL_ADMIN, Principal, SearchQuery
from ingest.bulk import BulkIngest
from ingest.jobs import JobBook
from ingest.queue import FileTasks, Sealer, file_task
from ingest.registry import DocumentRegistry
from ingest.sources import iter_sources
from redaction.redactor import DocumentRedactor
from redaction.transform.operators import ReplacementPolicy
from redaction.vault import PseudonymVault
from retrieval.hashing import HashingEmbedder
from retrieval.qdrant_edge import QdrantEdgeStore
from tests.fakes import EmailDetector, InlineParser, ScriptedChat, TextParser

PERSON = "ann.lee@example.org"
OTHER = "bo.kim@example.org"
REASON = f"Erasure request from {PERSON.upper()} received by letter"
AUDITOR = Principal("officer", frozenset({"auditor"}))
# Each fact is held by one document only; the first two mention the person, the third does not.
FILES = {
    "letter.txt": f"Dear team, please reach {PERSON} about the knee brace refund.\n\n"
                  f"Write to {PERSON} again once the refund of 412 crowns is paid.",
    "note.txt": f"Intake note: {PERSON} reported tinnitus in the left ear since spring.",
    "memo.txt": f"Memo: {OTHER} approved the canteen budget for the autumn quarter.",
}


def vault_veil(data_dir: Path, store=None) -> Veil:
    """`tests.unit.helpers.fake_veil` with the re-identification vault on; `store` (default: Qdrant Edge)."""
    settings = Settings(data_dir=data_dir, chunking={"size": 100, "overlap": 0})
    audit = AuditLog(data_dir / "audit.db", b"unit-test-audit-key")
    vault = PseudonymVault(data_dir / "vault.db", Fernet.generate_key().decode(), audit, scrub=lambda t: t)
    return Veil(settings=settings, registry=DocumentRegistry(data_dir / "veil.db"),
                store=store or QdrantEdgeStore(data_dir / "qdrant"), embedder=HashingEmbedder(64),
                redactor=DocumentRedactor(EmailDetector(), ReplacementPolicy(), audit.hash_value, vault),
                parser=TextParser(), chat=ScriptedChat(), audit=audit, vault=vault)


@pytest.fixture
def veil(tmp_path):
    built = vault_veil(tmp_path / "data")
    yield built
    built.close()


@pytest.fixture
def share(tmp_path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text)
    return root


def ingest(veil, share) -> dict[str, str]:
    report = veil.pipeline.ingest_paths([share], "default")
    assert {r.status for r in report.files} <= {"ingested", "unchanged"}, report
    return {Path(r.path).name: r.doc_id for r in report.files}


def texts_of(veil, doc_id: str) -> list[str]:
    return [c.text for c in veil.store.iter_chunks("default") if c.payload["doc_id"] == doc_id]


def bytes_under(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_find_lists_the_documents_and_chunks_that_mention_the_person(veil, share):
    ids = ingest(veil, share)
    found = veil.subjects.find(AUDITOR, ["  ANN.Lee@example.org ", "an-unknown-id-123"])
    assert {d.doc_id for d in found} == {ids["letter.txt"], ids["note.txt"]}
    letter = next(d for d in found if d.doc_id == ids["letter.txt"])
    holding = {c.chunk_id for c in veil.store.iter_chunks("default")
               if c.payload["doc_id"] == ids["letter.txt"] and "<EMAIL_ADDRESS_1>" in c.text}
    assert len(holding) == 2 and set(letter.chunks) == holding  # the chunks that hold the person, no other
    assert letter.labels == ("EMAIL_ADDRESS",) and letter.source == "share/letter.txt" and letter.collection == "default"
    assert veil.subjects.find(AUDITOR, ["nobody@example.org"]) == []
    event = list(veil.audit.events("subject.find"))[0].payload
    assert event["principal"] == "officer" and event["documents"] == 2
    assert veil.audit.hash_value(PERSON) in event["value_hmacs"] and PERSON not in str(event).lower()


def test_forget_removes_their_documents_and_nothing_else(veil, share, tmp_path):
    ids = ingest(veil, share)
    assert veil.vault.reveal(AUDITOR, "checking the vault works", ids["note.txt"], "<EMAIL_ADDRESS_1>") == PERSON
    erasure = veil.subjects.forget(LOCAL_ADMIN, [PERSON], REASON)

    assert {d.doc_id for d in erasure.documents} == {ids["letter.txt"], ids["note.txt"]}
    assert all(d.chunks >= 1 for d in erasure.documents)
    assert texts_of(veil, ids["letter.txt"]) == texts_of(veil, ids["note.txt"]) == []
    assert texts_of(veil, ids["memo.txt"]) and veil.registry.get(ids["memo.txt"]) is not None
    assert veil.registry.get(ids["note.txt"]) is None
    assert veil.subjects.find(AUDITOR, [PERSON]) == []
    for doc_id in (ids["letter.txt"], ids["note.txt"]):
        with pytest.raises(NotFoundError):
            veil.vault.reveal(AUDITOR, "after the erasure request", doc_id, "<EMAIL_ADDRESS_1>")
    assert not _search(veil, "tinnitus in the left ear") & {ids["note.txt"], ids["letter.txt"]}
    assert ids["memo.txt"] in _search(veil, "canteen budget autumn quarter")

    event = list(veil.audit.events("subject.forgotten"))[0].payload
    assert event["request"] == erasure.request and event["principal"] == LOCAL_ADMIN.name
    assert event["value_hmacs"] == [veil.audit.hash_value(PERSON)]
    assert {d["doc_id"] for d in event["documents"]} == {d.doc_id for d in erasure.documents}
    assert "<SUBJECT>" in event["reason"] and "received by letter" in event["reason"]
    assert veil.audit.verify().ok
    # no looked-up value anywhere in the data dir (the SQLite files' write-ahead logs included)
    assert PERSON.encode() not in bytes_under(tmp_path / "data").lower()


def _search(veil, text: str) -> set[str]:
    query = SearchQuery(veil.embedder.embed_query(text), "default", top_k=10, text=text)
    return {hit.doc_id for hit in veil.store.search(query)}


def test_an_erased_file_is_not_ingested_again_until_an_admin_allows_it(veil, share, tmp_path):
    ids = ingest(veil, share)
    veil.subjects.forget(LOCAL_ADMIN, [PERSON], REASON)
    again = {Path(r.path).name: r.status for r in veil.pipeline.ingest_paths([share], "default").files}
    assert again == {"letter.txt": "erased", "note.txt": "erased", "memo.txt": "unchanged"}
    copy = tmp_path / "elsewhere" / "copy-of-note.txt"
    copy.parent.mkdir()
    copy.write_bytes((share / "note.txt").read_bytes())  # the same bytes under another name: still erased
    assert veil.pipeline.ingest_file(copy, "default").status == "erased"
    assert veil.subjects.find(AUDITOR, [PERSON]) == []

    with pytest.raises(PermissionDeniedError):
        veil.subjects.allow(AUDITOR, ids["note.txt"], "auditors cannot lift marks")
    with pytest.raises(VeilError, match="reason"):
        veil.subjects.allow(LOCAL_ADMIN, ids["note.txt"], "short")
    mark = veil.subjects.allow(LOCAL_ADMIN, ids["note.txt"], "the erasure request was withdrawn")
    assert mark.doc_id == ids["note.txt"] and mark.source == "share/note.txt"
    assert veil.pipeline.ingest_file(share / "note.txt", "default", name="share/note.txt").status == "ingested"
    assert [d.doc_id for d in veil.subjects.find(AUDITOR, [PERSON])] == [ids["note.txt"]]
    assert veil.pipeline.ingest_file(share / "letter.txt", "default", name="share/letter.txt").status == "erased"
    with pytest.raises(NotFoundError):
        veil.subjects.allow(LOCAL_ADMIN, ids["note.txt"], "the erasure request was withdrawn")
    allowed = list(veil.audit.events("subject.allowed"))[0].payload
    assert allowed["doc_id"] == ids["note.txt"] and allowed["request"] == mark.request
    assert veil.audit.verify().ok


def test_bulk_ingest_with_sync_reports_erased_files_and_removes_nothing_else(veil, share):
    BulkIngest(veil.pipeline, InlineParser()).run([share], "default")
    veil.subjects.forget(LOCAL_ADMIN, [PERSON], REASON)
    (share / "note.txt").write_text("Intake note rewritten: nothing about anyone.")  # changed, still erased
    veil.pipeline.policies.set("default", "people-only")  # a policy change: --sync redacts the folder again
    report = BulkIngest(veil.pipeline, InlineParser()).run([share], "default", sync=True)
    assert {Path(r.path).name: r.status for r in report.files} == {
        "letter.txt": "erased", "note.txt": "erased", "memo.txt": "updated"}
    assert report.totals()["erased"] == 2
    assert [d.source for d in veil.registry.list()] == ["share/memo.txt"]


def test_a_queued_file_is_reported_erased(veil, share):
    ingest(veil, share)
    veil.subjects.forget(LOCAL_ADMIN, [PERSON], REASON)
    jobs, sealer = JobBook(veil.settings.data_dir / "veil.db"), Sealer(b"unit-test-audit-key")
    sources = list(iter_sources([share]))
    job = jobs.create("default", ("everyone",), len(sources))
    tasks = FileTasks(veil.pipeline, TextParser(), jobs, 3, sealer)
    for i, source in enumerate(sources):
        task = file_task(job, i, source, "default", ("everyone",), sealer)
        tasks.ingest(task["job"], task["index"], task["path"], task["name"], task["collection"], task["groups"],
                     task["folder_id"], task["problem"])
    status = jobs.status(job)
    assert status["totals"]["erased"] == 2 and status["totals"]["unchanged"] == 1
    jobs.close()


def test_a_write_prepared_before_the_erasure_is_refused(veil, share):
    """A queue worker prepared the document; the erasure came before the store's owner wrote it."""
    ids = ingest(veil, share)
    (share / "note.txt").write_text(FILES["note.txt"] + "\n\nFollow-up: referred to audiology.")
    checked = veil.pipeline.check((share / "note.txt").read_bytes(), "share/note.txt",
                                  str((share / "note.txt").resolve()), "default")
    prepared = veil.pipeline.prepare(checked, TextParser().parse((share / "note.txt").read_bytes(), "note.txt"))
    vectors = veil.pipeline.embed([prepared])[0]
    veil.subjects.forget(LOCAL_ADMIN, [PERSON], REASON)
    assert veil.pipeline.write(prepared, vectors).status == "erased"
    assert texts_of(veil, ids["note.txt"]) == []


def test_an_erasure_cut_short_is_finished_by_the_next_repair(veil, share):
    ids = ingest(veil, share)
    info = veil.registry.get(ids["note.txt"])
    veil.registry.begin_erasure(info, "request-1")  # the mark and the journal, then the process died
    assert veil.pipeline.repair() == [ids["note.txt"]]
    assert texts_of(veil, ids["note.txt"]) == [] and veil.registry.get(ids["note.txt"]) is None
    assert veil.registry.is_erased(ids["note.txt"])


def test_roles_values_and_reasons_are_checked_before_anything_changes(veil, share):
    ingest(veil, share)
    count = veil.store.count("default")
    with pytest.raises(PermissionDeniedError):
        veil.subjects.find(Principal("reader", frozenset({"user"})), [PERSON])
    with pytest.raises(PermissionDeniedError):
        veil.subjects.forget(AUDITOR, [PERSON], REASON)
    with pytest.raises(VeilError, match="reason"):
        veil.subjects.forget(LOCAL_ADMIN, [PERSON], "   ")
    with pytest.raises(VeilError, match="at least one value"):
        veil.subjects.forget(LOCAL_ADMIN, ["  ", ""], REASON)
    with pytest.raises(VeilError) as too_long:
        veil.subjects.find(AUDITOR, [PERSON + "x" * 2000])
    assert PERSON not in str(too_long.value)
    assert veil.store.count("default") == count and list(veil.audit.events("subject.forgotten")) == []


def _scale_out_store(root: Path):
    """The Qdrant server adapter over qdrant-client's local mode (as in `test_store_contract.py`)."""
    from qdrant_client import QdrantClient

    from retrieval.qdrant_server import QdrantServerStore

    return QdrantServerStore(QdrantClient(path=str(root / "qdrant-local")))


@pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")
@pytest.mark.parametrize("adapter", ["qdrant-edge", "qdrant-server"])
def test_vectors_of_a_forgotten_document_are_gone_from_the_store(adapter, share, tmp_path):
    """Dense and BM25 alike, on either adapter: a search in each mode for the erased document's own words
    finds it nowhere, and the other documents are still found."""
    veil = vault_veil(tmp_path / "data", _scale_out_store(tmp_path) if adapter == "qdrant-server" else None)
    ids = ingest(veil, share)
    veil.subjects.forget(LOCAL_ADMIN, [PERSON], REASON)
    for mode in ("dense", "bm25", "hybrid"):
        text = "tinnitus left ear intake note canteen budget"
        query = SearchQuery(np.asarray(veil.embedder.embed_query(text)), "default", top_k=10, text=text, mode=mode)
        found = {h.doc_id for h in veil.store.search(query)}
        assert ids["note.txt"] not in found and ids["memo.txt"] in found
    veil.close()
