"""`python -m core.vocabulary`: builds the vocabulary caches drawn from package data (names-dataset's
name ranks, the drug-name list) once, at install time (`scripts/install.sh`), so that a user's first
ingest or query does not pay for them. Where the cache cannot be written it says so (every process then
builds the tables again) and still succeeds: Veil works without it, only slower to start."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from core.vocabulary.drugs import drug_cache_path, drug_names
from core.vocabulary.name_ranks import cache_path
from core.vocabulary.names import WORLD_RANK_CAP, world_name_ranks


def main() -> None:
    ranks, drugs = world_name_ranks(), drug_names()
    missing = [path for path in (cache_path(WORLD_RANK_CAP), drug_cache_path()) if not _readable(path)]
    if missing:
        print(f"vocabulary caches could not be written ({', '.join(str(p) for p in missing)}): "
              "each Veil process will build them again", file=sys.stderr)
    else:
        print(f"vocabulary caches ready in {cache_path(WORLD_RANK_CAP).parent}: "
              f"{len(ranks):,} name ranks, {len(drugs):,} drug names")


def _readable(path: Path) -> bool:
    """Read back, not only present: a stale file Veil cannot read or replace would be rebuilt by every process."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            json.load(handle)
    except (OSError, ValueError, EOFError):
        return False
    return True


if __name__ == "__main__":
    main()
