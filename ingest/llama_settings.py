"""llama-index-core, pinned offline. Veil uses it for chunking only; its models are Veil's own.

llama-index's global `Settings` resolve an unset `llm` / `embed_model` to OpenAI, its tokenizer to
tiktoken (whose BPE files are fetched when the bundled copy is missing), and its default sentence
tokenizer calls `nltk.download` when its data is missing. `pin_settings()` replaces every one of those
with a local object, once, before Veil touches anything else in llama-index. Sentences are Veil's own
(`core.sentences`, the English Punkt model that llama-index-core ships inside its wheel).

Imported lazily (by ingest.chunking on first use): llama-index takes about 2 s to import.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from llama_index.core import Settings
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.utils import set_global_tokenizer

from core.sentences import sentences


class LlamaIndexModelRefused(RuntimeError):
    """Something asked llama-index for a model: Veil's models live in generation/ and retrieval/."""


class NoLLM(MockLLM):
    """Settings.llm: local, and refuses to answer rather than answer with nonsense."""

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        raise LlamaIndexModelRefused("llama-index has no LLM in Veil (chunking only)")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        raise LlamaIndexModelRefused("llama-index has no LLM in Veil (chunking only)")


class NoEmbedding(MockEmbedding):
    """Settings.embed_model: local, and refuses to embed rather than return a constant vector."""

    def _get_vector(self) -> list[float]:
        raise LlamaIndexModelRefused("llama-index has no embedding model in Veil (chunking only)")


def characters(text: str) -> list[str]:
    """The tokenizer Veil gives llama-index: one token per character (chunk sizes are in characters)."""
    return list(text)


@cache
def pin_settings() -> None:
    """Set every llama-index global that could otherwise resolve to a remote model or a download."""
    from llama_index.core.node_parser import SentenceSplitter

    set_global_tokenizer(characters)  # not `Settings.tokenizer = `: its setter imports transformers
    Settings.llm = NoLLM()
    Settings.embed_model = NoEmbedding(embed_dim=1)
    # Veil's sentences cover the text exactly: llama-index's own drop what precedes the first sentence
    Settings.node_parser = SentenceSplitter(tokenizer=characters, chunking_tokenizer_fn=sentences)

