"""llama-index-core, pinned offline. Veil uses it for chunking only; its models are Veil's own.

llama-index's global `Settings` resolve an unset `llm` / `embed_model` to OpenAI, its tokenizer to
tiktoken (whose BPE files are fetched when the bundled copy is missing), and its default sentence
tokenizer calls `nltk.download` when its data is missing. `pin_settings()` replaces every one of those
with a local object, once, before Veil touches anything else in llama-index. The sentence model is the
English Punkt model that llama-index-core ships inside its wheel (`_static/nltk_cache`): never
downloaded, and loaded by path so no other NLTK data directory can change the result.

Imported lazily (by ingest.chunking on first use): llama-index takes about 2 s to import.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import llama_index.core
import nltk
from llama_index.core import Settings
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.utils import set_global_tokenizer
from nltk.data import FileSystemPathPointer
from nltk.tokenize.punkt import PunktSentenceTokenizer, load_punkt_params

NLTK_DATA = Path(llama_index.core.__file__).parent / "_static" / "nltk_cache"
PUNKT_ENGLISH = NLTK_DATA / "tokenizers" / "punkt_tab" / "english"

# Abbreviations the packaged English model lacks that (almost) never end a sentence in the documents
# Veil reads; "Dr.", "Mr.", "Prof.", "St.", "Jan." ... are in the model already.
EXTRA_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "cf", "al", "approx", "fig", "figs", "no", "nos", "pp", "vol", "vols", "dept",
    "tel", "ext", "apt", "mar", "apr", "jun", "jul", "m.d", "rev", "hon", "gov", "sgt", "mt",
})


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
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """English Punkt from llama-index-core's wheel, plus EXTRA_ABBREVIATIONS.

    llama-index's own default (`globals_helper.punkt_tokenizer`) is an *untrained* Punkt: it knows
    no abbreviation and cuts "Dr. Smith" after "Dr.".
    """
    if str(NLTK_DATA) not in nltk.data.path:  # NLTK refuses to open files outside its data path
        nltk.data.path.append(str(NLTK_DATA))
    params = load_punkt_params(FileSystemPathPointer(str(PUNKT_ENGLISH)))
    params.abbrev_types |= EXTRA_ABBREVIATIONS
    return PunktSentenceTokenizer(params)


@cache
def pin_settings() -> None:
    """Set every llama-index global that could otherwise resolve to a remote model or a download."""
    from llama_index.core.node_parser import SentenceSplitter

    set_global_tokenizer(characters)  # not `Settings.tokenizer = `: its setter imports transformers
    Settings.llm = NoLLM()
    Settings.embed_model = NoEmbedding(embed_dim=1)
    Settings.node_parser = SentenceSplitter(tokenizer=characters, chunking_tokenizer_fn=sentences)


def sentences(text: str) -> list[str]:
    """Sentences that cover `text` exactly, whitespace included (concatenated, they give `text` back).

    llama-index's own sentence function drops whatever precedes the first sentence, so its chunks are
    not always substrings of the document; Veil's offsets need them to be.
    """
    starts = [start for start, _ in sentence_tokenizer().span_tokenize(text)]
    bounds = [0, *starts[1:], len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
