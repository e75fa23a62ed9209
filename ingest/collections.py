"""Each collection's embedder, recorded, and the embedder a query or a write of that collection must use.

`collection_embedders` (beside the registry, in `veil.db` or the shared database) holds, per collection,
the identity of the embedder its vectors came from (`retrieval.identity`) and, while one runs or after
it was interrupted, its re-index (`ingest.reindex`): the target embedder, the run's generation token and
its step (`staging`, then `publishing`).

A collection is always queried and extended with its recorded embedder. `CollectionEmbedders.for_collection`
gives the configured embedder when it is the recorded one, else the recorded one rebuilt (its weights'
fingerprint checked); when the recorded embedder cannot be had here, the query or the write is refused
with both named, never mixed. A collection without a record takes the embedder that writes it first,
except one the store already holds: written before identities were recorded, it counts as torch
MiniLM (`retrieval.identity.LEGACY`) and the first write pins that model's fingerprint.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from core.errors import VeilError
from core.state import StateDB
from retrieval.base import Embedder, VectorStore
from retrieval.identity import LEGACY, EmbedderIdentity

log = logging.getLogger(__name__)

ReindexStep = Literal["staging", "publishing"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS collection_embedders (
    collection       TEXT PRIMARY KEY,
    embedder         TEXT NOT NULL,
    reindex_target   TEXT,
    reindex_token    TEXT,
    reindex_step     TEXT CHECK (reindex_step IN ('staging', 'publishing'))
)
"""


class EmbedderMismatchError(VeilError):
    """A collection's vectors came from another embedder than the one at hand."""

    exit_code = 4
    http_status = 409


@dataclass(frozen=True)
class ReindexPlan:
    target: EmbedderIdentity
    token: str  # the run's generation: its staged points carry it
    step: ReindexStep


class CollectionRecords:
    """The `collection_embedders` table."""

    def __init__(self, db: StateDB) -> None:
        self._db = db
        db.ensure(_SCHEMA)

    def recorded(self, collection: str) -> EmbedderIdentity | None:
        row = self._db.execute("SELECT embedder FROM collection_embedders WHERE collection = ?", (collection,)).one()
        return EmbedderIdentity.from_json(row[0]) if row else None

    def claim(self, collection: str, identity: EmbedderIdentity) -> EmbedderIdentity:
        """Record `identity` unless the collection has one; returns what is recorded now (first writer wins)."""
        self._db.execute("INSERT INTO collection_embedders (collection, embedder) VALUES (?, ?) "
                         "ON CONFLICT (collection) DO NOTHING", (collection, identity.to_json()))
        found = self.recorded(collection)
        assert found is not None
        return found

    def pin(self, collection: str, identity: EmbedderIdentity) -> None:
        """A legacy record (no fingerprint) learns the fingerprint of the model that extends it."""
        self._db.execute("UPDATE collection_embedders SET embedder = ? WHERE collection = ?",
                         (identity.to_json(), collection))

    def plan(self, collection: str) -> ReindexPlan | None:
        row = self._db.execute("SELECT reindex_target, reindex_token, reindex_step FROM collection_embedders "
                               "WHERE collection = ?", (collection,)).one()
        if not row or row[0] is None:
            return None
        return ReindexPlan(EmbedderIdentity.from_json(row[0]), row[1], row[2])

    def plans(self) -> dict[str, ReindexPlan]:
        rows = self._db.execute("SELECT collection FROM collection_embedders WHERE reindex_target IS NOT NULL").rows
        return {name: plan for (name,) in rows if (plan := self.plan(name)) is not None}

    def begin_reindex(self, collection: str, current: EmbedderIdentity, target: EmbedderIdentity) -> ReindexPlan:
        plan = ReindexPlan(target, secrets.token_hex(6), "staging")
        self.claim(collection, current)
        self._db.execute("UPDATE collection_embedders SET reindex_target = ?, reindex_token = ?, reindex_step = ? "
                         "WHERE collection = ?", (target.to_json(), plan.token, plan.step, collection))
        return plan

    def advance_reindex(self, collection: str, step: ReindexStep) -> None:
        self._db.execute("UPDATE collection_embedders SET reindex_step = ? WHERE collection = ?", (step, collection))

    def finish_reindex(self, collection: str, target: EmbedderIdentity) -> None:
        """The store shows the run's vectors: the collection's embedder is the target now."""
        self._db.execute("UPDATE collection_embedders SET embedder = ?, reindex_target = NULL, reindex_token = NULL, "
                         "reindex_step = NULL WHERE collection = ?", (target.to_json(), collection))

    def drop_reindex(self, collection: str) -> None:
        self._db.execute("UPDATE collection_embedders SET reindex_target = NULL, reindex_token = NULL, "
                         "reindex_step = NULL WHERE collection = ?", (collection,))

    def running(self, collection: str):
        """Held by a re-index run for its whole length, in any process on any machine."""
        return self._db.try_lock("veil/reindex/" + collection)


class CollectionEmbedders:
    """The embedder each collection must be queried and written with (see the module's docstring)."""

    def __init__(self, configured: Embedder, records: CollectionRecords,
                 build: Callable[[EmbedderIdentity], Embedder | None] | None = None) -> None:
        """`build`: an embedder for a recorded identity, or None when this Veil cannot make one."""
        self.configured, self.records = configured, records
        self._build = build or (lambda identity: None)
        self._built: dict[EmbedderIdentity, Embedder] = {}

    def adopt_legacy(self, store: VectorStore) -> list[str]:
        """Record the collections the store holds without a record as torch MiniLM (written before
        identities were recorded). Run by every process that opens the store, before it reads or writes."""
        adopted = []
        for collection in store.collections():
            if self.records.recorded(collection) is None and store.count(collection) > 0:
                self.records.claim(collection, LEGACY)
                adopted.append(collection)
                log.info("collection %s predates recorded embedders: counted as %s", collection, LEGACY.describe())
        return adopted

    def recorded(self, collection: str) -> EmbedderIdentity | None:
        return self.records.recorded(collection)

    def for_collection(self, collection: str) -> Embedder:
        """The embedder of `collection`: raises EmbedderMismatchError when it cannot be had here."""
        self.refuse_while_publishing(collection)
        recorded = self.recorded(collection)
        if recorded is None or recorded.accepts(self.configured.identity):
            return self.configured
        return self._rebuilt(collection, recorded)

    def check_write(self, collection: str, identity: EmbedderIdentity) -> None:
        """Before vectors made by `identity` are written to `collection` (under the document's write lock)."""
        self.refuse_while_publishing(collection)
        with self.records.running(collection) as free:
            if not free:
                raise VeilError(f"collection {collection} is being re-indexed; ingest into it again once "
                                "`veil reindex` has finished")
        recorded = self.recorded(collection) or self.records.claim(collection, identity)
        if not recorded.accepts(identity):
            raise EmbedderMismatchError(mismatch(collection, recorded, identity))
        if recorded.fingerprint is None:
            self.records.pin(collection, identity)

    def refuse_while_publishing(self, collection: str) -> None:
        plan = self.records.plan(collection)
        if plan is not None and plan.step == "publishing":
            with self.records.running(collection) as free:
                if free:  # interrupted while switching: which vectors the store shows is not known
                    raise VeilError(f"collection {collection}: a re-index was interrupted while it was being "
                                    f"published; finish it with `veil reindex --collection {collection}`")

    def _rebuilt(self, collection: str, recorded: EmbedderIdentity) -> Embedder:
        embedder = self._built.get(recorded)
        if embedder is None:
            embedder = self._build(recorded)
            if embedder is None or not recorded.accepts(_identity_or_none(embedder) or self.configured.identity):
                raise EmbedderMismatchError(mismatch(collection, recorded, self.configured.identity))
            self._built[recorded] = embedder
            log.info("collection %s is queried and extended with its recorded embedder %s", collection,
                     recorded.describe())
        return embedder


def _identity_or_none(embedder: Embedder) -> EmbedderIdentity | None:
    """A rebuilt embedder's identity; None when its weights cannot be loaded here (moved, unreadable)."""
    try:
        return embedder.identity
    except (VeilError, OSError):
        return None


def mismatch(collection: str, recorded: EmbedderIdentity, other: EmbedderIdentity) -> str:
    return (f"collection {collection} was embedded with {recorded.describe()}, not {other.describe()}; "
            f"vectors of two embedders are never mixed: use the recorded embedder, or re-embed the collection "
            f"with `veil reindex --collection {collection}`")
