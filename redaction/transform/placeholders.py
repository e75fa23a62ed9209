"""Typed placeholders, consistent within one scope (a document): same value -> same token.

For people, "same value" is looser: "Delgado", "Marcus Delgado" and "marcus delgado" are one
person, so the surname alone gets the full name's token (and the other way round).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.vocabulary.honorifics import HONORIFICS

_SPACE = re.compile(r"\s+")
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")
_HONORIFICS = frozenset(HONORIFICS)


def _normalise(value: str) -> str:
    return _SPACE.sub(" ", value).strip().casefold()


def _name_words(value: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _NAME_WORD.findall(value)) - _HONORIFICS


class PlaceholderBook:
    """Hands out `<TYPE_n>` tokens. Holds raw values in memory only, for the lifetime of one scope."""

    def __init__(self, reserved: Mapping[str, int] | None = None) -> None:
        """`reserved`: per entity type, the highest number already taken (new tokens count on from it)."""
        self._tokens: dict[tuple[str, str], str] = {}
        self._people: list[tuple[frozenset[str], str]] = []  # name words -> token, first seen first
        self._originals: dict[str, str] = {}
        self._next: dict[str, int] = dict(reserved or {})

    def token_for(self, entity_type: str, value: str) -> str:
        key = (entity_type, _normalise(value))
        token = self._tokens.get(key) or (self._same_person(value) if entity_type == "PERSON" else None)
        if token is None:
            token = self._new_token(entity_type, value)
        elif entity_type == "PERSON":
            self._widen_person(token, value)
        self._tokens[key] = token
        return token

    def _same_person(self, value: str) -> str | None:
        """The token of an earlier name that contains this one, or that this one contains."""
        words = _name_words(value)
        if not words:
            return None
        return next((token for known, token in self._people if words <= known or known <= words), None)

    def _widen_person(self, token: str, value: str) -> None:
        """Remember the fullest form: "Delgado" then "Marcus Delgado" makes "Sofia Delgado" someone else."""
        words = _name_words(value)
        self._people = [(known | words if t == token else known, t) for known, t in self._people]
        if len(value) > len(self._originals[token]):
            self._originals[token] = value  # what the vault keeps

    def _new_token(self, entity_type: str, value: str) -> str:
        number = self._next.get(entity_type, 0) + 1
        self._next[entity_type] = number
        token = f"<{entity_type}_{number}>"
        self._originals[token] = value
        if entity_type == "PERSON" and _name_words(value):
            self._people.append((_name_words(value), token))
        return token

    def originals(self) -> dict[str, str]:
        """token -> the value as first seen: what a re-identification vault keeps, encrypted."""
        return dict(self._originals)
