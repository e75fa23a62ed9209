from __future__ import annotations

from pathlib import Path

from api.wiring import Veil
from core.audit import AuditLog
from core.settings import Settings
from ingest.registry import DocumentRegistry
from redaction.transform.operators import ReplacementPolicy
from redaction.redactor import DocumentRedactor
from retrieval.hashing import HashingEmbedder
from retrieval.qdrant_edge import QdrantEdgeStore
from tests.fakes import EmailDetector, ScriptedChat, TextParser


def fake_veil(data_dir: Path, chat: ScriptedChat | None = None, **settings) -> Veil:
    """A Veil with fast fakes around a real Qdrant Edge store and a real registry."""
    config = Settings(data_dir=data_dir, **settings)
    audit = AuditLog(data_dir / "audit.db", b"unit-test-audit-key")
    return Veil(
        settings=config,
        registry=DocumentRegistry(data_dir / "veil.db"),
        store=QdrantEdgeStore(data_dir / "qdrant"),
        embedder=HashingEmbedder(64),
        redactor=DocumentRedactor(EmailDetector(), ReplacementPolicy(), audit.hash_value),
        parser=TextParser(),
        chat=chat or ScriptedChat(),
        audit=audit,
    )
