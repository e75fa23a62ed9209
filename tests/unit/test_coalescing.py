"""The query-side embedder shared by concurrent requests (retrieval/coalescing.py)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from retrieval.coalescing import CoalescingEmbedder, VectorCache
from retrieval.hashing import HashingEmbedder


class CountingEmbedder:
    """Hashing vectors, slowly, counting each model call and each text it embeds."""

    def __init__(self, delay: float = 0.0) -> None:
        self._hashing = HashingEmbedder(dim=64)
        self.dim, self.model_id, self.identity = 64, "counting", self._hashing.identity
        self.calls, self.texts, self.delay = 0, [], delay
        self.fail_on: str | None = None

    def embed_documents(self, texts):
        self.calls += 1
        self.texts += list(texts)
        time.sleep(self.delay)
        if self.fail_on in texts:
            raise RuntimeError("model failed")
        return self._hashing.embed_documents(texts)

    def embed_query(self, text):
        self.calls += 1
        self.texts.append(text)
        return self._hashing.embed_query(text) + 1.0  # unlike a document's vector: the two kinds never mix


def test_vectors_are_the_inner_embedders_own():
    inner = CountingEmbedder()
    shared = CoalescingEmbedder(inner)
    texts = ["the dose was raised", "the key was revoked"]
    assert np.array_equal(shared.embed_documents(texts), HashingEmbedder(64).embed_documents(texts))
    assert np.array_equal(shared.embed_query("what dose?"), HashingEmbedder(64).embed_query("what dose?") + 1.0)
    assert (shared.dim, shared.model_id, shared.identity) == (inner.dim, inner.model_id, inner.identity)
    assert shared.embed_documents([]).shape == (0, 64)


def test_concurrent_requests_share_model_calls_and_each_text_is_embedded_once():
    inner = CountingEmbedder(delay=0.05)  # while one call runs, the others queue up behind it
    shared = CoalescingEmbedder(inner)
    requests = [[f"sentence {i}", "a sentence every request quotes"] for i in range(40)]
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(shared.embed_documents, requests))
    for texts, vectors in zip(requests, results):
        assert np.array_equal(vectors, HashingEmbedder(64).embed_documents(texts))
    assert inner.calls < 10, inner.calls
    assert sorted(inner.texts) == sorted({t for texts in requests for t in texts})


def test_known_texts_are_not_embedded_again_and_the_cache_can_be_turned_off():
    inner = CountingEmbedder()
    shared = CoalescingEmbedder(inner)
    shared.embed_documents(["one sentence", "another"])
    shared.embed_query("a question")
    calls = inner.calls
    shared.embed_documents(["another", "one sentence"])
    shared.embed_query("a question")
    assert inner.calls == calls

    uncached_inner = CountingEmbedder()
    uncached = CoalescingEmbedder(uncached_inner, cache_size=0)
    uncached.embed_documents(["one sentence"])
    uncached.embed_documents(["one sentence"])
    assert uncached_inner.texts == ["one sentence", "one sentence"]


def test_a_query_and_a_document_of_the_same_text_keep_their_own_vectors():
    shared = CoalescingEmbedder(CountingEmbedder())
    assert not np.array_equal(shared.embed_query("same words"), shared.embed_documents(["same words"])[0])


def test_the_least_recently_used_vector_goes_first():
    cache = VectorCache(2)
    for text in ("a", "b"):
        cache.put("document", text, np.ones(2))
    cache.get("document", "a")
    cache.put("document", "c", np.ones(2))
    assert cache.get("document", "b") is None
    assert cache.get("document", "a") is not None and cache.get("document", "c") is not None


def test_a_failed_model_call_reaches_its_callers_and_the_worker_goes_on():
    inner = CountingEmbedder()
    inner.fail_on = "poison"
    shared = CoalescingEmbedder(inner)
    with pytest.raises(RuntimeError, match="model failed"):
        shared.embed_documents(["poison"])
    assert shared.embed_documents(["fine"]).shape == (1, 64)

