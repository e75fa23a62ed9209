"""Local embeddings with ONNX Runtime: MiniLM exported and quantised to int8 at install time.

Same model, same pooling (mean over the real tokens, then unit length) and the same 256-token truncation
as the torch embedder, without loading torch. Its vectors are close to torch's but not identical, so it
is a different embedder to a collection (`backend="onnx"`): a collection written by one is queried and
extended by the same one, and `veil reindex --embedder onnx` moves a collection over. Each text runs
alone: dynamic int8 scales activations by the range of what is in the run, so a padded batch would make
a text's vector depend on its neighbours (cosine 0.98 to itself alone); alone, it is reproducible, and
with no padding to compute it is faster than batching on CPU. Speed and retrieval quality beside torch:
`bench/embedding_backends.py`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from retrieval.identity import PACKAGED_MINILM, EmbedderIdentity
from retrieval.onnx_export import MANIFEST, RECIPE, default_export_dir
from retrieval.onnx_runtime import onnxruntime_module

log = logging.getLogger(__name__)


class OnnxEmbedder:
    def __init__(self, model_dir: str | None = None, *, intra_op_threads: int | None = None) -> None:
        """`intra_op_threads`: the session's thread pool (default: one per core)."""
        self._model_dir = model_dir
        self._intra_op_threads = intra_op_threads

    @property
    def folder(self) -> Path:
        return Path(self._model_dir) if self._model_dir else default_export_dir()

    @cached_property
    def _manifest(self) -> dict:
        try:
            return json.loads((self.folder / MANIFEST).read_text())
        except (OSError, ValueError):
            raise ConfigError(f"no ONNX embedder in {self.folder}: scripts/install.sh exports it "
                              "(or set embedding.kind: sentence-transformers)") from None

    @cached_property
    def _session(self):
        onnxruntime = onnxruntime_module()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._intra_op_threads or os.cpu_count() or 1
        options.log_severity_level = 3  # warnings about unused initialisers are noise in a CLI
        # Idle threads sleep instead of spinning: during an ingest the cores are wanted by parsing and
        # redaction between two texts (bulk ingest of the shared corpus: 103 s spinning, 92 s not).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(self.folder / "model.onnx"), options,
                                               providers=["CPUExecutionProvider"])
        log.info("embedding model loaded: %s", self.identity.describe())
        return session

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        tokenizer.enable_truncation(int(self._manifest.get("max_length", 256)))
        tokenizer.no_padding()
        return tokenizer

    @property
    def model_id(self) -> str:
        return str(self.folder)

    @cached_property
    def identity(self) -> EmbedderIdentity:
        """The source weights' fingerprint and the export recipe: a re-export of the same weights is the same embedder."""
        manifest = self._manifest
        name = PACKAGED_MINILM if self._model_dir is None else self.folder.name
        fingerprint = f"{manifest['source_fingerprint']}+{manifest.get('recipe', RECIPE)}"
        return EmbedderIdentity(name, "onnx", self.dim, fingerprint, self._model_dir)

    @property
    def dim(self) -> int:
        return int(self._manifest["dim"])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        """One text per run: no padding to compute, and dynamic int8 scales each text's activations by
        its own range, so a vector never depends on what it was embedded beside (faster here, too)."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, encoding in enumerate(self._tokenizer.encode_batch(texts)):
            ids = np.array([encoding.ids], dtype=np.int64)
            hidden = self._session.run(["last_hidden_state"], {
                "input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})[0]
            pooled = hidden[0].mean(axis=0)
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out
