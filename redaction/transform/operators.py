"""What replaces a detected value: a policy maps each entity type to an operator.

- placeholder: `<PERSON_1>`, consistent within a document (the default: keeps text readable)
- mask:        `████` as long as the value (keeps layout, hides length-independent content)
- hash:        `<PERSON#3f2a9c1b>`, a keyed hash: the same value gets the same token in every document
- drop:        removed entirely
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Literal

from redaction.transform.placeholders import PlaceholderBook

Operator = Literal["placeholder", "mask", "hash", "drop"]
MASK_CHAR = "█"


class ReplacementPolicy:
    def __init__(self, operators: Mapping[str, Operator] | None = None, hash_key: bytes = b"") -> None:
        self._operators = dict(operators or {})
        self._hash_key = hash_key

    def operator_for(self, entity_type: str) -> Operator:
        return self._operators.get(entity_type, "placeholder")

    def replacement(self, entity_type: str, value: str, book: PlaceholderBook) -> tuple[str, Operator]:
        operator = self.operator_for(entity_type)
        match operator:
            case "placeholder":
                return book.token_for(entity_type, value), operator
            case "mask":
                return MASK_CHAR * len(value), operator
            case "hash":
                digest = hmac.new(self._hash_key, value.strip().casefold().encode(), hashlib.sha256)
                return f"<{entity_type}#{digest.hexdigest()[:8]}>", operator
            case "drop":
                return "", operator
