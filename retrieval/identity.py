"""Which embedder made a collection's vectors: name, backend, dimensions and a fingerprint of its weights.

Vectors of two embedders share no space, even at the same width: a query embedded by one and compared with
chunks embedded by another ranks noise. So a collection records the identity of the embedder that wrote it
(`ingest.collections`), and nothing embedded by another one is ever searched or written there.

The fingerprint is what tells two copies of "the same" model apart: the names and sizes of every file in
the model folder, and a content hash of its config and of its first weight file. Cheap enough to compute
once per process (a few hundred milliseconds for MiniLM's 90 MB), and it changes when the weights do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx", ".pt", ".gguf")
CONFIG_NAMES = ("config.json", "config_sentence_transformers.json", "modules.json")


@dataclass(frozen=True)
class EmbedderIdentity:
    name: str  # what people call it: the packaged model's name, or the model folder's name
    backend: str  # torch | onnx | hashing
    dim: int
    fingerprint: str | None  # None: a collection recorded before fingerprints existed (any copy of `name`)
    model: str | None = field(default=None, compare=False)  # where its weights were (None: packaged); to rebuild it

    def accepts(self, other: EmbedderIdentity) -> bool:
        """`other` may write to and query a collection recorded with this identity."""
        same_model = (self.name, self.backend, self.dim) == (other.name, other.backend, other.dim)
        return same_model and (self.fingerprint is None or self.fingerprint == other.fingerprint)

    def describe(self) -> str:
        weights = f", weights {self.fingerprint[:19]}" if self.fingerprint else ""
        return f"{self.name} ({self.backend}, {self.dim} dims{weights})"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EmbedderIdentity:
        d = json.loads(text)
        return cls(str(d["name"]), str(d["backend"]), int(d["dim"]), d.get("fingerprint"), d.get("model"))


PACKAGED_MINILM = "all-MiniLM-L6-v2"
# What a collection written before identities were recorded holds: the default of that time, torch MiniLM.
LEGACY = EmbedderIdentity(PACKAGED_MINILM, "torch", 384, None)


def folder_fingerprint(folder: Path) -> str:
    """sha256 over every file's relative name and size, the config files' bytes and the first weight file's."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        digest.update(f"{path.relative_to(folder).as_posix()}\x00{path.stat().st_size}\n".encode())
    weights = [p for p in files if p.suffix in WEIGHT_SUFFIXES]
    for path in [*(p for p in files if p.name in CONFIG_NAMES), *weights[:1]]:
        digest.update(path.relative_to(folder).as_posix().encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()[:32]
