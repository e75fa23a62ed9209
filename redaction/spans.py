"""Detections and the span arithmetic that merges them (a leak is a leak; the most specific label wins)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass



@dataclass(frozen=True)
class Detection:
    """A detector's finding, located in the ORIGINAL text. Lives in memory only."""

    entity_type: str
    start: int
    end: int
    score: float
    detector: str


# How much a label says, most specific first: validated by a checksum or a strict format, then
# structured identifiers, then what NER and lexicons guess. A checksum-valid SSN that spaCy also
# calls a DATE is a US_SSN, so `veil audit report` counts what was really there.
SPECIFICITY = (
    ("CREDIT_CARD", "IBAN_CODE", "US_SSN", "VEHICLE_ID", "UK_NHS", "CRYPTO", "EMAIL_ADDRESS", "IP_ADDRESS",
     "MAC_ADDRESS"),
    ("PHONE_NUMBER", "CASE_NUMBER", "ID_NUMBER", "US_PASSPORT", "US_DRIVER_LICENSE", "US_BANK_NUMBER",
     "MEDICAL_LICENSE", "STREET_ADDRESS", "URL", "ZIP_CODE"),
    ("DATE_TIME", "AGE", "PERSON"),
)
_TIER = {label: tier for tier, labels in enumerate(SPECIFICITY) for label in labels}


def specificity(entity_type: str) -> int:
    """0 is the most specific; labels that only NER or a lexicon give come last."""
    return _TIER.get(entity_type, len(SPECIFICITY))


def merge_overlaps(detections: Iterable[Detection]) -> list[Detection]:
    """Union overlapping detections (a leak is a leak), named by the most specific label among the
    detections that cover at least half of the union (then the widest, then the higher score):
    a street address wins over the city NER found inside it, an SSN over a DATE_TIME guess."""
    groups: list[list[Detection]] = []
    end = -1
    for det in sorted(detections, key=lambda d: (d.start, -d.end)):
        if groups and det.start < end:
            groups[-1].append(det)
            end = max(end, det.end)
        else:
            groups.append([det])
            end = det.end
    return [_union(group) for group in groups]


def _union(group: list[Detection]) -> Detection:
    width = max(d.end for d in group) - group[0].start
    covering = [d for d in group if 2 * (d.end - d.start) >= width] or group
    best = min(covering, key=lambda d: (specificity(d.entity_type), -(d.end - d.start), -d.score))
    return Detection(best.entity_type, group[0].start, max(d.end for d in group), best.score, best.detector)


@dataclass(frozen=True)
class DetectedDocument:
    """What detection found in one document's texts, before the document pass: each text's re-cased
    copy (same offsets) and its detections. Plain data, so another process can compute it (the
    parsing workers detect beside parsing) and hand it to the redactor that owns the numbering."""

    cased: tuple[str, ...]
    found: tuple[tuple[Detection, ...], ...]
