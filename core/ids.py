"""Deterministic identifiers: the same file in the same collection always maps to the same ids."""

import hashlib
import uuid

_NAMESPACE = uuid.UUID("6f1c0b1e-5d7a-4c7e-9a57-6b1f0e3c2d11")


def document_id(collection: str, source_key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{collection}\x00{source_key}"))


def chunk_id(doc_id: str, index: int, version: str = "") -> str:
    """A new version of a document gets new point ids, so it can be written beside the old one."""
    return str(uuid.uuid5(_NAMESPACE, f"{doc_id}\x00{index}" + (f"\x00{version}" if version else "")))


def document_version(content_hash: str, groups: tuple[str, ...], policy: str = "default") -> str:
    """What a document's stored chunks depend on: its bytes, who may read them and the redaction policy
    (the `default` policy adds nothing, so documents stored before policies keep their ids)."""
    extra = "" if policy == "default" else f"\x00{policy}"
    return hashlib.sha256(f"{content_hash}\x00{','.join(sorted(groups))}{extra}".encode()).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generation_version(version: str, generation: str) -> str:
    """A re-embedded document's points: beside its published ones, under ids of their own."""
    return f"{version}.{generation}" if generation else version
