"""Composition root: the only place that chooses backends (one build_* per stage, a match on the kind).

Everything else asks a store what it is (`VectorStore.capabilities`), never which kind it is. Each backend
is imported inside its case: a kind that is not configured is never loaded (nor its packages needed)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import SecretStr

from api.auth.keystore import KeyStore
from api.auth.limits import KeyLimiter, SharedBuckets
from core.audit import AuditLog
from core.files import private_dir
from core.keys import load_or_create_key
from core.settings import AuditSettings, QueueSettings, Settings, StateSettings, StoreSettings
from core.state import StateDB, open_state
from generation.answering import Answerer
from generation.base import ChatModel
from generation.escalation import Escalator
from generation.router import Router
from ingest.base import Parser
from ingest.collection_policies import CollectionPolicies
from ingest.collections import CollectionEmbedders
from ingest.pipeline import IngestPipeline
from ingest.sandbox import SandboxedParser
from ingest.registry import DocumentRegistry
from ingest.subjects import SubjectRequests
from redaction.base import Detector, Redactor
from redaction.transform.operators import ReplacementPolicy
from redaction.redactor import DocumentRedactor
from redaction.vault import PseudonymVault
from retrieval.base import Embedder, StoreCapabilities, VectorStore
from retrieval.coalescing import CoalescingEmbedder
from retrieval.identity import EmbedderIdentity


def state_for(settings: Settings, name: str) -> StateDB:
    """Where a component keeps its tables: the shared PostgreSQL database, or data_dir/NAME.db."""
    if settings.state.url:
        return open_state(settings.state.url)
    return open_state(private_dir(settings.data_dir) / f"{name}.db")


def build_registry(settings: Settings) -> DocumentRegistry:
    """`veil.db`: the registry and journal; queue jobs live beside them (`api.queue_wiring.build_jobs`)."""
    return DocumentRegistry(state_for(settings, "veil"))


def build_pipeline(settings: Settings, parser: Parser, redactor: Redactor, embedder: Embedder,
                   store: VectorStore | None, registry: DocumentRegistry, audit: AuditLog,
                   vault: PseudonymVault | None, embedders: CollectionEmbedders | None = None) -> IngestPipeline:
    """`store` None: this process prepares documents for the store's owner and writes none itself."""
    return IngestPipeline(parser, redactor, embedder, store, registry, settings.chunking,
                          settings.parsing.max_file_mb * 1_000_000, audit, vault,
                          sole_writer=store is not None and store.capabilities.embedded,
                          policies=build_policies(settings, registry),
                          embedders=embedders or build_embedders(settings, embedder, registry, store))


def build_policies(settings: Settings, registry: DocumentRegistry) -> CollectionPolicies:
    """Each collection's redaction policy: the config file's, else what was set, else `default`."""
    return CollectionPolicies(registry.db, settings.redaction.collections, audit_key(settings),
                              settings.redaction.entities)


def audit_key(settings: Settings) -> bytes:
    return load_or_create_key(settings.audit.key, settings.data_dir / "keys" / "audit.key")


def build_audit(settings: Settings) -> AuditLog:
    return AuditLog(state_for(settings, "audit"), audit_key(settings))


def build_keys(settings: Settings) -> KeyStore:
    return KeyStore(state_for(settings, "veil"))


def build_limiter(settings: Settings) -> KeyLimiter:
    """Replicas sharing a state database draw from one per-minute bucket per key."""
    api = settings.api
    if settings.state.url is None:
        return KeyLimiter(api.max_in_flight_per_key, api.requests_per_minute_per_key)
    buckets = SharedBuckets(open_state(settings.state.url), api.requests_per_minute_per_key)
    return KeyLimiter(api.max_in_flight_per_key, api.requests_per_minute_per_key, time.time, buckets)


def build_detector(settings: Settings) -> Detector:
    from redaction.presidio import PresidioDetector

    return PresidioDetector(settings.redaction)


def build_vault(settings: Settings, audit: AuditLog, detector: Detector) -> PseudonymVault | None:
    """The vault redacts an auditor's free-text reason before it enters the audit log."""
    if not settings.vault.enabled:
        return None
    scrubber = DocumentRedactor(detector, ReplacementPolicy())
    return PseudonymVault(state_for(settings, "vault"), settings.vault.key.get_secret_value(), audit,
                          scrub=lambda text: scrubber.redact([text])[0].text)


def build_subjects(audit: AuditLog, registry: DocumentRegistry, redactor: Redactor | None,
                   pipeline: IngestPipeline | None = None) -> SubjectRequests:
    """Find, forget and allow; `pipeline` (holding the store) for forget. `redactor` redacts the reasons
    (None: a reason is withheld from the audit trail)."""
    scrub = None if redactor is None else (lambda text: redactor.redact([text])[0].text)
    return SubjectRequests(audit, registry, pipeline, scrub=scrub)


def build_redactor(settings: Settings, audit: AuditLog, detector: Detector,
                   vault: PseudonymVault | None = None) -> Redactor:
    policy = ReplacementPolicy(settings.redaction.operators, hash_key=audit.hash_value("veil/operator-hash").encode())
    return DocumentRedactor(detector, policy, audit.hash_value, vault, deadline_s=settings.redaction.deadline_s)


def build_parser(settings: Settings, workers: int = 1, bulk: bool = False) -> SandboxedParser:
    """Parsing runs in limited worker processes (started on first use): a hostile file costs a worker.
    `bulk`: for `BulkIngest`, whose workers also detect (`parsing.detect_in_workers`)."""
    from ingest.sandbox import SandboxedParser

    detect = bulk and settings.parsing.detect_in_workers
    return SandboxedParser(settings.parsing, workers, redaction=settings.redaction if detect else None)


def build_embedders(settings: Settings, configured: Embedder, registry: DocumentRegistry,
                    store: VectorStore | None) -> CollectionEmbedders:
    """Each collection's embedder: the configured one, or the one its vectors came from, rebuilt.
    A process that opens the store first counts its unrecorded collections as torch MiniLM."""
    embedders = CollectionEmbedders(configured, registry.collections, lambda identity: embedder_for(settings, identity))
    if store is not None:
        embedders.adopt_legacy(store)
    return embedders


def embedder_for(settings: Settings, identity: EmbedderIdentity) -> Embedder | None:
    """An embedder of `identity`'s kind and weights (the caller checks its fingerprint); None: no such backend."""
    match identity.backend:
        case "torch":
            return build_embedder(settings.model_copy(update={"embedding": settings.embedding.model_copy(
                update={"kind": "sentence-transformers", "model": identity.model})}))
        case "onnx":
            return build_embedder(settings.model_copy(update={"embedding": settings.embedding.model_copy(
                update={"kind": "onnx", "model": identity.model})}))
        case "hashing":
            return build_embedder(settings.model_copy(update={"embedding": settings.embedding.model_copy(
                update={"kind": "hashing", "dim": identity.dim})}))
    return None


def build_embedder(settings: Settings) -> Embedder:
    match settings.embedding.kind:
        case "sentence-transformers":
            from retrieval.sentence_transformers import SentenceTransformerEmbedder

            return SentenceTransformerEmbedder(settings.embedding.model, settings.embedding.batch_size)
        case "onnx":
            from retrieval.onnx_embedder import OnnxEmbedder

            return OnnxEmbedder(settings.embedding.model)  # one text per run: batch_size does not apply
        case "hashing":
            from retrieval.hashing import HashingEmbedder

            return HashingEmbedder(settings.embedding.dim)


def build_store(settings: Settings) -> VectorStore:
    return _store_backend(settings)[1]()


def store_capabilities(settings: Settings) -> StoreCapabilities:
    """What the configured store is, without opening it (opening an embedded one would take its lock)."""
    return _store_backend(settings)[0].capabilities


def _store_backend(settings: Settings) -> tuple[type[VectorStore], Callable[[], VectorStore]]:
    """The configured store's class and how to open it: the one place that reads `store.kind`."""
    match settings.store.kind:
        case "qdrant-edge":
            from retrieval.qdrant_edge import QdrantEdgeStore

            return QdrantEdgeStore, lambda: QdrantEdgeStore(settings.data_dir / "qdrant", settings.retrieval.fusion)
        case "qdrant":
            from retrieval.qdrant_server import QdrantServerStore

            key = settings.store.api_key.get_secret_value() if settings.store.api_key else None
            return QdrantServerStore, lambda: QdrantServerStore.connect(settings.store.url, key,
                                                                        settings.retrieval.fusion)


def build_chat(settings: Settings) -> ChatModel:
    """One model instance per process; concurrent requests wait for it in a FIFO queue."""
    from generation.queue import QueuedChat

    match settings.generation.kind:
        case "llamacpp":
            from generation.llamacpp import LlamaCppChat

            return QueuedChat(LlamaCppChat(settings.generation))


def build_escalator(settings: Settings, audit: AuditLog, detector: Detector) -> Escalator | None:
    """The closed API behind the pseudonymiser and the egress guard; None unless base_url is set.
    Both reuse storage's detector, entities and threshold; tokens are always placeholders."""
    if not settings.escalation.enabled:
        return None
    from generation.budget import PrivacyBudget
    from generation.openai_compat import OpenAICompatibleChat
    from redaction.egress import EgressGuard
    from redaction.pseudonymiser import Pseudonymiser

    redactor = DocumentRedactor(detector, ReplacementPolicy())
    budget = PrivacyBudget(state_for(settings, "escalation"), settings.escalation.daily_escalations,
                           settings.escalation.daily_entities)
    return Escalator(OpenAICompatibleChat(settings.escalation, EgressGuard(redactor)), Pseudonymiser(redactor),
                     budget, audit)


@dataclass
class Veil:
    """The assembled application. Components load their models lazily, on first use."""

    settings: Settings
    registry: DocumentRegistry
    store: VectorStore
    embedder: Embedder
    redactor: Redactor
    parser: Parser
    chat: ChatModel
    audit: AuditLog
    # The embedded store is not thread-safe: one operation at a time (the model has its own queue).
    lock: threading.RLock = field(default_factory=threading.RLock)
    # REST uploads parse, redact and embed one at a time (outside `lock`: queries never wait for them).
    ingest_lock: threading.Lock = field(default_factory=threading.Lock)
    vault: PseudonymVault | None = None
    escalator: Escalator | None = None

    @cached_property
    def embedders(self) -> CollectionEmbedders:
        """Each collection's embedder (`ingest.collections`); built with the store, so legacy ones are known."""
        with self.lock:
            return build_embedders(self.settings, self.embedder, self.registry, self.store)

    @cached_property
    def subjects(self) -> SubjectRequests:
        return build_subjects(self.audit, self.registry, self.redactor, self.pipeline)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        return build_pipeline(self.settings, self.parser, self.redactor, self.embedder, self.store, self.registry,
                              self.audit, self.vault, self.embedders)

    @cached_property
    def answerer(self) -> Answerer:
        """Questions are embedded through `retrieval.coalescing`: concurrent requests share one model call."""
        shared: dict[int, CoalescingEmbedder] = {}  # a wrapper holds its embedder: the id stays that one's
        creating = threading.Lock()

        def coalesced(embedder: Embedder) -> CoalescingEmbedder:
            with creating:
                if id(embedder) not in shared:
                    shared[id(embedder)] = CoalescingEmbedder(embedder, self.settings.retrieval.query_cache)
                return shared[id(embedder)]

        return Answerer(coalesced(self.embedder), self.store, self.chat, self.settings.retrieval,
                        self.settings.generation, self.audit, store_lock=self.lock,
                        router=Router(self.settings.escalation), escalator=self.escalator,
                        embedders=lambda collection: coalesced(self.embedders.for_collection(collection)))

    def warm_up(self) -> None:
        """Load the embedding and redaction models now, so the first request is not the slow one."""
        self.embedder.embed_query("warm-up")
        self.redactor.redact(["warm-up"])

    def close(self) -> None:
        if hasattr(self.parser, "close"):
            self.parser.close()
        self.store.close()
        self.registry.close()
        self.audit.close()
        if self.vault:
            self.vault.close()
        if self.escalator:
            self.escalator.close()


def throwaway_settings(settings: Settings, data_dir: Path) -> Settings:
    """The user's settings on a temporary data dir, an embedded store inside it and a random audit key:
    evaluations never touch the real store (not even a shared server's or database), and a key generated there
    would only warn."""
    return settings.model_copy(update={"data_dir": data_dir, "store": StoreSettings(), "queue": QueueSettings(),
                                       "state": StateSettings(),
                                       "audit": AuditSettings(key=SecretStr(secrets.token_hex(32)))})


def build_veil(settings: Settings) -> Veil:
    private_dir(settings.data_dir)  # 0700 (core.files); the entry points' umask makes every file in it 0600
    store = build_store(settings)  # first: it takes the store lock, so a busy store fails fast
    audit = build_audit(settings)
    detector = build_detector(settings)  # one set of detection models, shared by redactor and vault
    vault = build_vault(settings, audit, detector)
    veil = Veil(
        settings=settings,
        registry=build_registry(settings),
        store=store,
        embedder=build_embedder(settings),
        redactor=build_redactor(settings, audit, detector, vault),
        parser=build_parser(settings),
        chat=build_chat(settings),
        audit=audit,
        vault=vault,
        escalator=build_escalator(settings, audit, detector),
    )
    if store.capabilities.embedded:  # this process owns the store: nobody else is mid-write
        from ingest.reindex import finish_interrupted

        veil.pipeline.repair()  # an ingest that a crash interrupted is finished or undone before anything reads
        finish_interrupted(veil.pipeline, store)  # and a re-index stopped while it was being published
    return veil
