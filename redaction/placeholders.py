"""Typed placeholders, consistent within one scope (a document): same value -> same token."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def _normalise(value: str) -> str:
    return _SPACE.sub(" ", value).strip().casefold()


class PlaceholderBook:
    """Hands out `<TYPE_n>` tokens. Holds raw values in memory only, for the lifetime of one scope."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], str] = {}
        self._originals: dict[str, str] = {}
        self._next: dict[str, int] = {}

    def token_for(self, entity_type: str, value: str) -> str:
        key = (entity_type, _normalise(value))
        token = self._tokens.get(key)
        if token is None:
            number = self._next.get(entity_type, 0) + 1
            self._next[entity_type] = number
            token = f"<{entity_type}_{number}>"
            self._tokens[key] = token
            self._originals[token] = value
        return token

    def originals(self) -> dict[str, str]:
        """token -> the value as first seen: what a re-identification vault keeps, encrypted."""
        return dict(self._originals)

    def __len__(self) -> int:
        return len(self._tokens)
