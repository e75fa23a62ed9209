"""The name ranks Veil reads from names-dataset, extracted once into a local cache file.

names-dataset (first and last names of 105 countries, shipped inside the package, no download)
stores everything as two pickles that take 2 GB and 10 s to load. Veil needs one number per name:
its best rank in any country. That table is written once, atomically, under the user's cache
directory (keyed by the package version and the caps) and read from there in well under a second.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import tempfile
from importlib import metadata, resources
from pathlib import Path

log = logging.getLogger(__name__)


def cache_path(cap: int) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "veil"
    version = metadata.version("names-dataset")
    return root / f"names-dataset-{version}-ranks-{cap}.json.gz"


def load_or_build(cap: int) -> dict[str, int]:
    path = cache_path(cap)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError):
        log.warning("names-dataset cache %s is unreadable: rebuilding it", path)
    ranks = build(cap)
    try:
        _write_atomically(path, ranks)
    except OSError as exc:  # a read-only home still redacts, it just rebuilds next time
        log.warning("cannot cache names-dataset ranks in %s (%s)", path.parent, type(exc).__name__)
    return ranks


def _write_atomically(path: Path, ranks: dict[str, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with gzip.open(os.fdopen(descriptor, "wb"), "wt", encoding="utf-8") as handle:
            json.dump(ranks, handle)
        os.replace(partial, path)  # atomic: concurrent builders cannot leave half a file behind
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    log.info("names-dataset ranks cached in %s (%d names)", path, len(ranks))


def build(cap: int) -> dict[str, int]:
    """Best rank per lower-cased name, for names ranked within `cap` in at least one country."""
    ranks: dict[str, int] = {}
    for kind in ("first_names", "last_names"):
        with resources.files("names_dataset").joinpath(f"v3/{kind}.pkl.gz").open("rb") as raw:
            table = pickle.load(gzip.open(raw))  # noqa: S301 - the package's own data, not user input
        for name, attributes in table.items():
            best = min((r for r in attributes.get("rank", {}).values() if r), default=None)
            if best is not None and best <= cap:
                key = name.lower()
                ranks[key] = min(best, ranks.get(key, best))
        del table
    return ranks
