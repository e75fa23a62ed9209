"""Place names: the English descriptions of phonenumbers' geocoding data (Apache-2.0; cities,
states and regions of every numbering plan: "Leeds", "Ontario", "Osaka"), lower-case words.
Used as a veto: a guess holding one of these words may name where a person is."""

from __future__ import annotations

import importlib
import re
from functools import cache
from importlib import resources


@cache
def place_words() -> frozenset[str]:
    """The descriptions' one-word parts ("Leeds, England" gives "leeds" and "england"); a name of
    several words ("New York") is left out, so "new" is no place."""
    words: set[str] = set()
    for module in _geodata_modules():
        for description in module.data.values():
            english = description.get("en") if isinstance(description, dict) else None
            for part in (english or "").split(","):
                part = part.strip().lower()
                if part and " " not in part:
                    words.add(part)
    return frozenset(words)


def is_place_word(word: str) -> bool:
    return word.lower() in place_words()


def _geodata_modules():
    package = "phonenumbers.geodata"
    for entry in resources.files(package).iterdir():
        if re.fullmatch(r"data\d+\.py", entry.name):
            yield importlib.import_module(f"{package}.{entry.name[:-3]}")
