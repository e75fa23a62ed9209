"""`python -m core.vocabulary`: builds the vocabulary caches drawn from package data (names-dataset's
name ranks, the drug-name list) once, at install time (`scripts/install.sh`), so that a user's first
ingest or query does not pay for them."""

from __future__ import annotations

from core.vocabulary.drugs import drug_names
from core.vocabulary.names import world_name_ranks


def main() -> None:
    ranks, drugs = world_name_ranks(), drug_names()
    print(f"vocabulary caches ready: {len(ranks):,} name ranks, {len(drugs):,} drug names")


if __name__ == "__main__":
    main()
