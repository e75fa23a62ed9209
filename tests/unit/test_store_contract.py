"""What every VectorStore backend promises: upsert, idempotence, delete, the three search modes, and
the group filter applied inside the search. A new backend joins by adding a factory to BACKENDS."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import VeilError
from core.types import LOCAL_ADMIN, Chunk, DocumentInfo, EmbeddedChunk, Principal, SearchQuery
from retrieval.base import StoreCapabilities
from retrieval.hashing import HashingEmbedder
from retrieval.qdrant_edge import QdrantEdgeStore

EMBEDDER = HashingEmbedder(64)
# qdrant-client's local mode stands in for a server in this suite; it has no payload indexes and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")


def _qdrant_local(root: Path, fusion: str = "dbsf"):
    from qdrant_client import QdrantClient

    from retrieval.qdrant_server import QdrantServerStore

    return QdrantServerStore(QdrantClient(path=str(root / "qdrant-local")), fusion)


def _qdrant_live(root: Path, fusion: str = "dbsf"):
    """A real Qdrant server (VEIL_TEST_QDRANT_URL): a throw-away one, since each test empties it first."""
    from qdrant_client import QdrantClient

    from retrieval.qdrant_server import QdrantServerStore

    url, api_key = LIVE_SERVER, LIVE_SERVER_KEY
    wipe = QdrantClient(url=url, api_key=api_key)
    for collection in wipe.get_collections().collections:
        wipe.delete_collection(collection.name)
    wipe.close()
    return QdrantServerStore.connect(url, api_key, fusion)


BACKENDS = {"qdrant-edge": lambda root: QdrantEdgeStore(root / "qdrant"),
            "qdrant-edge-rrf": lambda root: QdrantEdgeStore(root / "qdrant", "rrf"),
            "qdrant-client-local": _qdrant_local,
            "qdrant-client-local-rrf": lambda root: _qdrant_local(root, "rrf"),
            "qdrant-edge-zscore": lambda root: QdrantEdgeStore(root / "qdrant", "zscore"),  # fused in Python
            "qdrant-client-local-zscore": lambda root: _qdrant_local(root, "zscore")}
# Read at import: the autouse fixture clears VEIL_* variables before each test.
LIVE_SERVER, LIVE_SERVER_KEY = os.environ.get("VEIL_TEST_QDRANT_URL"), os.environ.get("VEIL_TEST_QDRANT_API_KEY")
if LIVE_SERVER:
    BACKENDS |= {"qdrant-server": _qdrant_live, "qdrant-server-rrf": lambda root: _qdrant_live(root, "rrf")}


def doc(doc_id: str, texts: list[str], groups=("everyone",), collection="default") -> list[EmbeddedChunk]:
    info = DocumentInfo(doc_id, collection, f"folder/{doc_id}.txt", "hash", "2026-01-01T00:00:00+00:00",
                        len(texts), {}, tuple(groups))
    vectors = EMBEDDER.embed_documents(texts)
    return [EmbeddedChunk(Chunk(_chunk_id(doc_id, i), doc_id, i, t, None, 0, len(t)), info, v)
            for i, (t, v) in enumerate(zip(texts, vectors))]


def _chunk_id(doc_id: str, index: int) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{doc_id}/{index}"))


def query(text: str, mode="hybrid", top_k=5, principal=LOCAL_ADMIN, collection="default") -> SearchQuery:
    return SearchQuery(EMBEDDER.embed_query(text), collection, top_k, text, mode, principal)


@pytest.fixture(params=sorted(BACKENDS))
def store(request, tmp_path):
    backend = BACKENDS[request.param](tmp_path)
    yield backend
    backend.close()


CORPUS = {
    "refunds": ["Refunds are issued within fourteen days of the returned parcel arriving."],
    "shipping": ["Parcels ship from the central warehouse every weekday morning."],
    "payroll": ["Payroll runs on the last working day of the month for salaried staff."],
}


def load(store, groups: dict[str, tuple[str, ...]] | None = None):
    for doc_id, texts in CORPUS.items():
        store.upsert(doc(doc_id, texts, (groups or {}).get(doc_id, ("everyone",))))


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_every_mode_finds_the_matching_document_first(store, mode):
    load(store)
    hits = store.search(query("how many days until refunds are issued", mode))
    assert hits[0].doc_id == "refunds" and hits[0].source == "folder/refunds.txt"
    assert (hits[0].start, hits[0].end) == (0, len(CORPUS["refunds"][0]))


def test_upsert_is_idempotent_and_delete_removes_one_document(store):
    load(store)
    load(store)
    assert store.count("default") == 3
    assert store.delete_document("default", "refunds") == 1
    assert {c.payload["doc_id"] for c in store.iter_chunks("default")} == {"shipping", "payroll"}
    assert all(c.payload["groups"] == ["everyone"] and c.payload["collection"] == "default"
               for c in store.iter_chunks("default"))


def test_placeholders_are_no_lexical_match(store):
    """Two documents' `<PERSON_1>` are different people: BM25 must not match them to each other."""
    store.upsert(doc("letter", ["<PERSON_1> and <PERSON_2> signed with <ORGANIZATION_1>."]))
    store.upsert(doc("memo", ["The contract renewal terms were approved."]))
    assert [h.doc_id for h in store.search(query("<PERSON_1> contract", "bm25"))] == ["memo"]
    assert store.search(query("<PERSON_1> <ORGANIZATION_1>", "bm25"))  # nothing lexical left: meaning decides


def test_groups_filter_inside_the_search(store):
    load(store, {"refunds": ("finance",), "shipping": ("ops",), "payroll": ("finance", "hr")})
    hr = Principal("hana", groups=frozenset({"hr"}))
    assert [h.doc_id for h in store.search(query("refunds are issued within days", top_k=1, principal=hr))] == ["payroll"]
    ops_and_hr = Principal("olu", groups=frozenset({"ops", "hr"}))
    assert {h.doc_id for h in store.search(query("parcels", principal=ops_and_hr))} == {"shipping", "payroll"}
    assert {h.doc_id for h in store.search(query("parcels", principal=LOCAL_ADMIN))} == set(CORPUS)


def test_a_caller_who_can_see_nothing_gets_no_hits_not_an_error(store):
    load(store, {d: ("finance",) for d in CORPUS})
    for principal in (Principal("nobody"), Principal("ops", groups=frozenset({"ops"}))):
        for mode in ("dense", "bm25", "hybrid"):
            assert store.search(query("refunds", mode, principal=principal)) == []


WORDS = ["refund", "parcel", "payroll", "salary", "contract", "invoice", "warehouse", "audit", "<PERSON_1>"]
GROUPS = ["everyone", "finance", "hr", "ops", "legal"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    docs=st.lists(st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
                            st.sets(st.sampled_from(GROUPS), min_size=1, max_size=3)), min_size=1, max_size=8),
    groups=st.sets(st.sampled_from(GROUPS), max_size=3),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
    mode=st.sampled_from(["dense", "bm25", "hybrid"]),
    top_k=st.integers(min_value=1, max_value=10),
)
def test_no_principal_ever_receives_a_chunk_outside_its_groups(docs, groups, words, mode, top_k):
    with tempfile.TemporaryDirectory() as tmp:
        for make in BACKENDS.values():
            backend = make(Path(tmp))
            try:
                readers = {}
                for n, (text_words, doc_groups) in enumerate(docs):
                    readers[f"d{n}"] = doc_groups
                    backend.upsert(doc(f"d{n}", [" ".join(text_words)], sorted(doc_groups)))
                principal = Principal("p", groups=frozenset(groups))
                hits = backend.search(query(" ".join(words), mode, top_k, principal))
                assert all(readers[h.doc_id] & groups for h in hits)
                visible = [d for d, g in readers.items() if g & groups]
                if mode == "dense" and visible:  # the filter runs inside: hidden chunks never crowd out visible ones
                    assert len(hits) == min(top_k, len(visible))
            finally:
                backend.close()


def _version(chunks, version: str) -> list[EmbeddedChunk]:
    """The same document under another version: other point ids, `version` in the payload."""
    from dataclasses import replace

    info = replace(chunks[0].document, content_hash=version)
    return [EmbeddedChunk(replace(c.chunk, chunk_id=_chunk_id(c.chunk.doc_id + version, c.chunk.index)), info,
                          c.vector) for c in chunks]


def test_staged_points_are_invisible_until_published_and_publishing_drops_the_old_version(store):
    load(store)
    old = [c.chunk.text for c in doc("refunds", CORPUS["refunds"])]
    new = _version(doc("refunds", ["Refunds now take thirty days.", "Ask the desk for a form."]), "v2")
    store.stage(new)
    assert store.count("default") == 3  # staged: not counted, not scrolled, not found
    assert sorted(c.text for c in store.iter_chunks("default") if c.payload["doc_id"] == "refunds") == old
    assert all(h.doc_id != "refunds" or h.text in old for m in ("dense", "bm25", "hybrid")
               for h in store.search(query("refunds thirty days form", mode=m)))
    assert store.publish("default", "refunds", new[0].document.version) == 1  # the old version's one point
    assert sorted(c.text for c in store.iter_chunks("default") if c.payload["doc_id"] == "refunds") == [
        "Ask the desk for a form.", "Refunds now take thirty days."]
    assert store.publish("default", "refunds", new[0].document.version) == 0  # idempotent
    assert store.count("default") == 4


def test_discard_drops_only_the_unpublished_version(store):
    load(store)
    new = _version(doc("refunds", ["Refunds now take thirty days."]), "v2")
    store.stage(new)
    assert store.discard("default", "refunds", new[0].document.version) == 1
    assert store.discard("default", "refunds", doc("refunds", ["x"])[0].document.version) == 0  # published
    assert store.count("default") == 3
    assert store.search(query("fourteen days returned parcel"))[0].doc_id == "refunds"  # the old version


def test_the_guards_evidence_survives_a_write_and_a_search(store):
    [item] = doc("terms", ["Loan Terms for the fixed rate."])
    chunk = item.chunk
    evidenced = EmbeddedChunk(Chunk(chunk.chunk_id, chunk.doc_id, chunk.index, chunk.text, None, 0, len(chunk.text),
                                    common_words=("loan",)), item.document, item.vector)
    store.upsert([evidenced])
    [hit] = store.search(query("fixed rate loan", top_k=1))
    assert hit.common_words == ("loan",)
    assert [c.payload["common_words"] for c in store.iter_chunks("default")] == [["loan"]]


def test_a_store_says_what_it_is():
    """Callers branch on capabilities, never on the kind; the class answers before a store is opened."""
    from retrieval.qdrant_server import QdrantServerStore

    assert QdrantEdgeStore.capabilities == StoreCapabilities(embedded=True)
    assert QdrantServerStore.capabilities == StoreCapabilities(embedded=False)


def test_a_collection_never_written_reads_empty_and_changes_nothing(store):
    assert store.capabilities is type(store).capabilities
    assert store.search(query("anything", collection="never")) == [] and list(store.iter_chunks("never")) == []
    assert store.count("never") == 0 and store.publish("never", "d", "v") == 0 and store.discard("never", "d", "v") == 0
    assert store.delete_document("never", "d") == 0 and "never" not in store.collections()
    with pytest.raises(VeilError, match="invalid collection"):
        store.count("../escape")


def test_deleting_a_document_drops_its_staged_version_too(store):
    load(store)
    new = _version(doc("refunds", ["Refunds now take thirty days."]), "v2")
    store.stage(new)
    assert store.delete_document("default", "refunds") == 2  # the published point and the staged one
    assert store.publish("default", "refunds", new[0].document.version) == 0  # nothing left to show
    assert store.count("default") == 2 and "refunds" not in {c.payload["doc_id"] for c in store.iter_chunks("default")}
