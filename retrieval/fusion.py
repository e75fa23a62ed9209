"""Fusing a dense and a BM25 ranking into one, per query.

Each ranking arrives as `(key, score)` pairs, best first. The fusions here differ in what they trust:

- `rrf`: ranks only (reciprocal rank fusion, k=60).
- `dbsf`: each ranking's scores normalised by their own spread (mean ± 3 standard deviations, clipped),
  then summed with equal weight — what Qdrant's DBSF does.
- `adaptive`: `dbsf`'s normalisation, then each ranking weighted by how confident it is on *this* query,
  read from its own score distribution (see `confidence`).
- `zscore` (the default): each ranking's scores as z-scores of their own list, summed; a hit missing from a
  list counts as that list's lowest z-score (see `zscore`).

`rrf` and `dbsf` are what Qdrant fuses itself; `adaptive` and `zscore` run here, on the two lists the
store returns (`retrieval.qdrant_versioned`). `bench/fusion.py` compares them all on the same rankings.
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


def zscore(rankings: Sequence[Ranking]) -> list[tuple[str, float]]:
    """Standardised-score sum (CombSUM over zero-mean, unit-variance scores; Montague & Aslam 2001).

    Why it holds on unseen text without a fitted constant: a z-score is scale-free, so a cosine and an
    unbounded BM25 score add up; it is unclipped, so a hit that stands many deviations above its own list
    (a ranking that is sure on *this* query) outweighs a flat list's best hit, which sits near zero, and a
    ranking that knows nothing barely moves the order; and a hit one list did not return is scored as
    that list's lowest z-score (it ranked below the list's depth, so no better than its last hit),
    never as zero, which would rank it above half of that list's own hits."""
    standardised = [_standardised(r) for r in rankings]
    floors = [min(z.values(), default=0.0) for z in standardised]
    keys = dict.fromkeys(key for z in standardised for key in z)
    return _sorted({key: sum(z.get(key, floor) for z, floor in zip(standardised, floors)) for key in keys})


def _standardised(ranking: Ranking) -> dict[str, float]:
    scores = [s for _, s in ranking]
    if not scores:
        return {}
    mean, spread = statistics.fmean(scores), statistics.pstdev(scores)
    return {key: (s - mean) / spread if spread else 0.0 for key, s in ranking}


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
    "rrf": rrf, "dbsf": dbsf, "adaptive": adaptive, "zscore": zscore}
NATIVE = ("rrf", "dbsf")  # the store's engine fuses these itself
