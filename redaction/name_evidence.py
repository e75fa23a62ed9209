"""Lexicon evidence, without context, that a word is a person's name: data-driven bars over the census
name shares, the worldwide name ranks (`core.vocabulary.names`) and English word frequencies
(`redaction.words`). Recognizers, casing and refiners ask it; it recognizes nothing itself.
"""

from __future__ import annotations

import math

from core.vocabulary.names import (AMBIGUOUS_GIVEN_NAMES as _AMBIGUOUS_GIVEN, COMMON_WORD_NAMES as _COMMON_WORDS,
                                   census_shares as _shares, world_name_ranks)
from redaction.words import fold, zipf

# A name is a name when more people bear it than English writes it as a word: the word's Zipf
# frequency must stay under a bar that rises with the census share (in %), one Zipf unit per tenfold.
SURNAME_BAR = 2.5           # at 0.001% (1 in 100,000): "Harrigan"-like rare surnames pass, "Kettle" 3.5 does not
GIVEN_NAME_BAR = 3.0        # at 0.001%: given names are written as words more often than surnames
MAX_BAR = 4.3               # "Porter": as often a word as a name; cues and context decide
MAX_GIVEN_BAR = 5.5         # "Jason": a frequent word because it is a frequent name
UNKNOWN_WORD_ZIPF = 1.0     # a census surname English does not write at all ("Bellavitti")


def _bar(share: float, base: float, ceiling: float) -> float:
    return min(ceiling, base + math.log10(share / 0.001)) if share > 0 else float("-inf")


WORLD_BAR_AT_100 = 3.5          # rank 100 needs Zipf under 3.5; every tenfold in rank lowers the bar by 1.5
WORLD_MAX_BAR = 4.0             # the commonest names ("Noah") may be as frequent as everyday words


def _world_bar(rank: int) -> float:
    return min(WORLD_MAX_BAR, WORLD_BAR_AT_100 - 1.5 * math.log10(rank / 100))


def is_probable_name(word: str, worldwide: bool = True) -> bool:
    """Lexicon evidence, without context, that a word is a person's name rather than an English word:
    the census share of people bearing it weighed against how often English writes it, then (with
    `worldwide`) its rank among the names of 105 countries. The worldwide lists are noisy for a lone
    word ("Nacho", "Lasso" rank as names somewhere): callers with no other evidence leave them out."""
    folded = fold(word)
    if folded in _COMMON_WORDS or folded in _AMBIGUOUS_GIVEN or not folded.isalpha():
        return False
    given = max(_shares("dist.female.first").get(folded, 0.0), _shares("dist.male.first").get(folded, 0.0))
    surname = _shares("dist.all.last").get(folded)
    frequency = zipf(word)
    if frequency < _bar(given, GIVEN_NAME_BAR, MAX_GIVEN_BAR):
        return True
    if surname is not None and (frequency < _bar(surname, SURNAME_BAR, MAX_BAR) or frequency < UNKNOWN_WORD_ZIPF):
        return True
    rank = world_name_ranks().get(folded) if worldwide else None
    return rank is not None and (frequency < _world_bar(rank) or frequency < UNKNOWN_WORD_ZIPF)
