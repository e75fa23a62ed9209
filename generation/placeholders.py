"""Per-request placeholder numbering for prompts.

Stored placeholders are numbered per document, so `<PERSON_1>` of one document and `<PERSON_1>` of
another are different people. Inside one prompt every (document, placeholder) pair gets its own
number, so a model never merges them; the answer's numbers are mapped back to the stored ones.
Citations keep the stored text untouched: the renumbering lives in the prompt only.
"""

from __future__ import annotations

import re
from collections import Counter

from core.placeholders import PLACEHOLDER


class PromptPlaceholders:
    def __init__(self) -> None:
        self._to_prompt: dict[tuple[str, str], str] = {}
        self._to_stored: dict[str, str] = {}
        self._per_type: Counter[str] = Counter()

    def renumber(self, doc_id: str, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: self._prompt_token(doc_id, m), text)

    def _prompt_token(self, doc_id: str, match: re.Match) -> str:
        key = (doc_id, match.group())
        if key not in self._to_prompt:
            entity = match.group(1)
            self._per_type[entity] += 1
            token = f"<{entity}_{self._per_type[entity]}>"
            self._to_prompt[key], self._to_stored[token] = token, match.group()
        return self._to_prompt[key]

    def highest(self) -> dict[str, int]:
        """Per entity type, the highest number handed out so far."""
        return dict(self._per_type)

    def restore(self, text: str) -> str:
        """Prompt tokens back to the stored ones; a token the prompt never held is left as it is."""
        return PLACEHOLDER.sub(lambda m: self._to_stored.get(m.group(), m.group()), text)
