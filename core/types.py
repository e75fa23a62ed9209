"""Domain types shared by every stage. Frozen: a value that crossed a stage boundary never changes.

No type here ever holds a raw personal value: spans carry type, offsets and scores only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from core.ids import document_version, generation_version


@dataclass(frozen=True)
class Span:
    """One redaction, located in the *redacted* text (where its placeholder now stands)."""

    entity_type: str
    start: int
    end: int
    score: float
    detector: str
    placeholder: str  # what now stands in the text: a token, a mask, a keyed hash, or ""
    operator: str = "placeholder"
    value_hmac: str | None = None  # keyed HMAC of the original value, for the audit trail


@dataclass(frozen=True)
class Redacted:
    text: str
    spans: tuple[Span, ...] = ()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for span in self.spans:
            out[span.entity_type] = out.get(span.entity_type, 0) + 1
        return out


@dataclass(frozen=True)
class Element:
    """A piece of a parsed document: raw text (memory only), the page it came from and its kind."""

    text: str
    page: int | None = None
    category: str = "Text"


@dataclass(frozen=True)
class RedactedElement:
    text: str
    page: int | None
    category: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    index: int
    text: str
    page: int | None
    start: int  # offsets in the document's redacted text
    end: int
    redactions: dict[str, int] = field(default_factory=dict)
    # Its capitalised words that the document writes in lower case elsewhere (lower-cased): the
    # evidence storage used to call them common words, kept for the egress guard, which sees the chunk alone.
    common_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    collection: str
    source: str
    content_hash: str
    ingested_at: str
    chunks: int
    redactions: dict[str, int] = field(default_factory=dict)
    groups: tuple[str, ...] = ("everyone",)  # who may read it: a principal whose groups overlap these
    policy: str = "default"  # the redaction policy's label it was redacted under (`redaction.policies`)

    @property
    def version(self) -> str:
        """Changes with the content, the readers or the redaction policy; names the document's points."""

        return document_version(self.content_hash, self.groups, self.policy)


@dataclass(frozen=True, eq=False)
class EmbeddedChunk:
    chunk: Chunk
    document: DocumentInfo
    vector: np.ndarray
    generation: str = ""  # a re-index run's token (`ingest.reindex`); its points carry a version of their own

    @property
    def version(self) -> str:
        return generation_version(self.document.version, self.generation)


@dataclass(frozen=True)
class Principal:
    """Who is acting. Groups decide which chunks they may read; roles gate privileged actions
    ("admin" sees every chunk, "auditor" reads the audit log and the re-identification vault)."""

    name: str
    roles: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


LOCAL_ADMIN = Principal("local-admin", frozenset({"admin"}))  # the CLI on the data dir's own machine
SearchMode = Literal["hybrid", "dense", "bm25"]


@dataclass(frozen=True)
class SearchQuery:
    """A search as one principal: the store applies their groups as a filter inside the search."""

    vector: np.ndarray
    collection: str
    top_k: int = 5
    text: str = ""  # for the BM25 and hybrid modes
    mode: SearchMode = "hybrid"
    principal: Principal = LOCAL_ADMIN


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    doc_id: str
    source: str
    page: int | None
    text: str
    score: float
    start: int | None = None  # the chunk's offsets in its document's redacted text
    end: int | None = None
    common_words: tuple[str, ...] = ()  # Chunk.common_words


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    text: str
    payload: dict


@dataclass(frozen=True)
class Citation:
    """A hit an answer rests on: the stored (redacted) text and where it sits in its document."""

    document: str
    page: int | None
    chunk_id: str
    score: float
    text: str
    doc_id: str = ""
    source: str = ""  # the stored (redacted) folder-relative name, never an absolute path
    start: int | None = None
    end: int | None = None


Route = Literal["local", "external", "none"]


@dataclass(frozen=True)
class Answer:
    """`[n]` in the answer text is `citations[n-1]`. `mode` says how the text was made, `reason` why."""

    answer: str
    route: Route
    citations: tuple[Citation, ...] = ()
    mode: Literal["extractive", "generative", "none"] = "none"
    reason: str = ""
    outbound: str | None = None  # external answers: the exact request body that left; never stored


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    mean_logprob: float | None = None  # the generated tokens' mean log-probability, where the model reports it


