"""Deterministic identifiers: the same file in the same collection always maps to the same ids."""

import hashlib
import uuid

_NAMESPACE = uuid.UUID("6f1c0b1e-5d7a-4c7e-9a57-6b1f0e3c2d11")


def document_id(collection: str, source_key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{collection}\x00{source_key}"))


def chunk_id(doc_id: str, index: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{doc_id}\x00{index}"))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
