"""`python -m core.vocabulary`: builds the vocabulary caches drawn from package data (names-dataset's
name ranks, the drug-name list) once, at install time (`scripts/install.sh`), so that a user's first
ingest or query does not pay for them. Where the cache cannot be written it says so (every process then
builds the tables again) and still succeeds: Veil works without it, only slower to start."""

from __future__ import annotations

import sys

from core.vocabulary.drugs import drug_cache_path, drug_names
from core.vocabulary.name_ranks import cache_path
from core.vocabulary.names import WORLD_RANK_CAP, world_name_ranks


def main() -> None:
    ranks, drugs = world_name_ranks(), drug_names()
    missing = [path for path in (cache_path(WORLD_RANK_CAP), drug_cache_path()) if not path.is_file()]
    if missing:
        print(f"vocabulary caches could not be written ({', '.join(str(p) for p in missing)}): "
              "each Veil process will build them again", file=sys.stderr)
    else:
        print(f"vocabulary caches ready in {cache_path(WORLD_RANK_CAP).parent}: "
              f"{len(ranks):,} name ranks, {len(drugs):,} drug names")


if __name__ == "__main__":
    main()
