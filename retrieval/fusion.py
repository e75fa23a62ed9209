"""Fusing a dense and a BM25 ranking into one, per query.

Each ranking arrives as `(key, score)` pairs, best first. The fusions here differ in what they trust:

- `rrf`: ranks only (reciprocal rank fusion, k=60).
- `dbsf`: each ranking's scores normalised by their own spread (mean ± 3 standard deviations, clipped),
  then summed with equal weight — what Qdrant's DBSF does.
- `adaptive` (the default): `dbsf`'s normalisation, then each ranking weighted by how confident it is on
  *this* query, read from its own score distribution (see `confidence`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

Ranking = Sequence[tuple[str, float]]
RRF_K = 60  # the usual constant of reciprocal rank fusion


def rrf(rankings: Sequence[Ranking]) -> list[tuple[str, float]]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (key, _) in enumerate(ranking):
            fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
    return _sorted(fused)


def dbsf(rankings: Sequence[Ranking]) -> list[tuple[str, float]]:
    return _weighted_sum(rankings, [1.0] * len(rankings))


def adaptive(rankings: Sequence[Ranking]) -> list[tuple[str, float]]:
    return _weighted_sum(rankings, [confidence(r) for r in rankings])


def confidence(ranking: Ranking, head: int = 10) -> float:
    """How far this ranking's best hits stand out from the rest of its own list, in its own standard
    deviations (the z-score of the mean of its top `head`). A ranking that knows the answer puts a few hits
    well above its background; one that does not returns a flat list, and a flat list carries no
    information worth mixing in. Scale-free, so BM25's unbounded scores and cosine similarities compare,
    and read per query from the list itself: nothing is fitted to a data set."""
    scores = [s for _, s in ranking]
    if len(scores) < 2:
        return 1.0
    spread = statistics.pstdev(scores)
    if spread == 0:
        return 0.0
    return max(0.0, (statistics.fmean(scores[:head]) - statistics.fmean(scores)) / spread)


def _weighted_sum(rankings: Sequence[Ranking], weights: Sequence[float]) -> list[tuple[str, float]]:
    if not any(weights):
        weights = [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for key, score in _spread_normalised(ranking):
            fused[key] = fused.get(key, 0.0) + weight * score
    return _sorted(fused)


def _spread_normalised(ranking: Ranking) -> list[tuple[str, float]]:
    """Scores mapped to [0, 1] by mean ± 3 standard deviations of the list (clipped), as DBSF does."""
    scores = [s for _, s in ranking]
    if not scores:
        return []
    mean, spread = statistics.fmean(scores), statistics.pstdev(scores)
    if spread == 0:
        return [(key, 0.5) for key, _ in ranking]
    low, high = mean - 3 * spread, mean + 3 * spread
    return [(key, min(1.0, max(0.0, (s - low) / (high - low)))) for key, s in ranking]


def _sorted(fused: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(fused.items(), key=lambda item: -item[1])


FUSIONS: dict[str, Callable[[Sequence[Ranking]], list[tuple[str, float]]]] = {
    "rrf": rrf, "dbsf": dbsf, "adaptive": adaptive}
