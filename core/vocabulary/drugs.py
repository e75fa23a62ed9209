"""Drug names ("Zestril", "amoxicillin", "warfarin"): the one-word generic and brand names of
drug-named-entity-recognition's dictionary (MIT licence, Fast Data Science; built from MeSH,
Wikipedia and DrugBank's open vocabulary), read case-insensitively. Names a census or names-dataset
list also holds as a person's name ("Angelica", "Kendrick") and words English uses every day ("caps")
are left out: there the word alone cannot tell a drug from a person.
"""

from __future__ import annotations

import bz2
import pickle
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from core.vocabulary.name_ranks import cache_dir, cached_json

MIN_LENGTH = 4      # shorter entries are abbreviations, which `clinical` weighs
EVERYDAY_ZIPF = 4.0  # at least this frequent in general English: an everyday word first


@cache
def drug_names() -> frozenset[str]:
    """Lower-cased one-word drug names (about 26,000). The dictionary takes 1.5 s to load: the list is
    extracted once into Veil's cache directory (keyed by the package version) and read from there."""
    return frozenset(cached_json(drug_cache_path(), _extract))


def drug_cache_path() -> Path:
    return cache_dir() / f"drug-named-entity-recognition-{metadata.version('drug-named-entity-recognition')}-words.json.gz"


def is_drug_name(word: str) -> bool:
    return word.lower() in drug_names()


def _extract() -> list[str]:
    from core.vocabulary.names import given_names, surnames, world_name_ranks

    from wordfreq import zipf_frequency

    people = given_names() | surnames() | world_name_ranks().keys()
    return sorted({word for word in _dictionary_variants()
                   if word.isalpha() and len(word) >= MIN_LENGTH and word not in people
                   and zipf_frequency(word, "en") < EVERYDAY_ZIPF})


def _dictionary_variants() -> list[str]:
    # The package's own module downloads structures and writes a cache in $HOME on some calls: only
    # its data file is read here (a pinned, trusted wheel), never its code.
    path = resources.files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as compressed:
        dictionary = pickle.load(compressed)  # noqa: S301 - the package's own data, not user input
    return [variant.lower() for variant in dictionary["drug_variant_to_canonical"]]
