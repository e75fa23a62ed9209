"""Professional credentials after a name are not places: "Samuel Okafor, MD" is a doctor, not Maryland.

spaCy's NER reads "MD" as a US state and "RN" as an organisation. Right after a person's name (and
any credentials before it) they are degrees and licences, which identify no one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.vocabulary.credentials import CREDENTIALS
from redaction.spans import Detection

_CRED = "|".join(sorted(CREDENTIALS, key=len, reverse=True))
# What may stand between a name and one of its credentials: a comma, maybe earlier credentials.
_AFTER_NAME = re.compile(rf",[ \t]*(?:(?:{_CRED})\.?,[ \t]*)*")
_GUESSED_PLACES = frozenset({"LOCATION", "ORGANIZATION"})
# In text that is already redacted (what the egress guard reads) the name is a placeholder.
_PERSON_TOKEN_BEFORE = re.compile(rf"<PERSON_\d+>{_AFTER_NAME.pattern}\Z")


def drop_credentials(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    return [[d for d in dets if not _is_credential(text, d, dets)] for text, dets in zip(texts, detections)]


def _is_credential(text: str, detection: Detection, detections: Sequence[Detection]) -> bool:
    if detection.entity_type not in _GUESSED_PLACES or text[detection.start:detection.end] not in CREDENTIALS:
        return False
    if _PERSON_TOKEN_BEFORE.search(text, max(0, detection.start - 80), detection.start):
        return True
    return any(other.entity_type == "PERSON" and other.end <= detection.start
               and _AFTER_NAME.fullmatch(text, other.end, detection.start) for other in detections)
