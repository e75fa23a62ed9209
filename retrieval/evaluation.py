"""Retrieval quality on a BEIR folder: nDCG@10 and recall@100, a document scoring as its best chunk."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import VeilError


@dataclass(frozen=True)
class BeirSet:
    name: str
    corpus: dict[str, str]  # doc id -> title and text
    queries: dict[str, str]  # only queries with judgements, in file order
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> graded relevance


def load_beir(folder: Path, split: str = "test") -> BeirSet:
    qrels_path = folder / "qrels" / f"{split}.tsv"
    for path in (folder / "corpus.jsonl", folder / "queries.jsonl", qrels_path):
        if not path.is_file():
            raise VeilError(f"{folder.name}: {path.relative_to(folder)} is missing (BEIR layout expected)")
    qrels: dict[str, dict[str, int]] = {}
    with qrels_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["score"]) > 0:
                qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    corpus = {r["_id"]: "\n\n".join(p for p in (r.get("title", ""), r.get("text", "")) if p)
              for r in _jsonl(folder / "corpus.jsonl")}
    queries = {r["_id"]: r["text"] for r in _jsonl(folder / "queries.jsonl") if r["_id"] in qrels}
    return BeirSet(folder.name, corpus, queries, qrels)


def _jsonl(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    raise VeilError(f"{path.name} line {number} is not JSON") from None


def best_chunk_ranking(doc_ids: Sequence[str]) -> list[str]:
    """Documents in the order of their best chunk."""
    return list(dict.fromkeys(doc_ids))


def ndcg_at(ranking: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    gains = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return gains / ideal if ideal else 0.0


def recall_at(ranking: Sequence[str], relevant: dict[str, int], k: int = 100) -> float:
    return len(set(ranking[:k]) & set(relevant)) / len(relevant) if relevant else 0.0
