"""The name ranks Veil reads from names-dataset, extracted once into a local cache file.

names-dataset (first and last names of 105 countries, shipped inside the package, no download)
stores everything as two pickles that take 2 GB and 10 s to load. Veil needs one number per name:
its best rank in any country. That table is written once, atomically, under the user's cache
directory (keyed by the package version and the caps) and read from there in well under a second.
`cached_json` does the same for other tables drawn from a package's data (`core.vocabulary.drugs`).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_path(cap: int) -> Path:
    return cache_dir() / f"names-dataset-{metadata.version('names-dataset')}-ranks-{cap}.json.gz"


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "veil"


def load_or_build(cap: int) -> dict[str, int]:
    return cached_json(cache_path(cap), lambda: build(cap))


def cached_json(path: Path, build_table: Callable[[], T]) -> T:
    """A table extracted from a package's data: read from `path` when it is there, else built once
    and written there atomically (a read-only home still works, rebuilding each time)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError):
        log.warning("vocabulary cache %s is unreadable: rebuilding it", path)
    table = build_table()
    try:
        _write_atomically(path, table)
    except OSError as exc:
        log.warning("cannot cache %s in %s (%s)", path.name, path.parent, type(exc).__name__)
    return table


def _write_atomically(path: Path, table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with gzip.open(raw, "wt", encoding="utf-8") as handle:
                json.dump(table, handle)
            raw.flush()
            os.fsync(raw.fileno())  # whole on disk before it takes the cache's name
        os.replace(partial, path)  # atomic: concurrent builders cannot leave half a file behind
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    log.info("vocabulary cached in %s (%d entries)", path, len(table))


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
