"""Redaction policies: which of the entity types Veil detects a collection masks, plus its own terms.

Detection never changes with the policy (every type in `redaction.entities` is detected, and the
document pass reads them all); a policy only decides which detections are replaced. Each profile is
written as what it leaves READABLE, so a type Veil learns to detect later is masked by every
profile until someone decides otherwise (`tests/unit/test_policies.py` checks each profile names
only types Veil knows).

`default` -- every type in `redaction.entities` (Veil's built-in list: direct identifiers, then
HIPAA-style quasi-identifiers). What Veil did before policies existed, and what the egress guard
always applies, whatever a collection's policy (`redaction.egress`).

`hipaa-safe-harbor` -- the 18 identifiers of the HIPAA Privacy Rule's Safe Harbor method, 45 CFR
164.514(b)(2)(i), "of the individual or of relatives, employers, or household members":
  (A) names: PERSON, and ORGANIZATION (employers; a facility's name places a patient)
  (B) geographic subdivisions smaller than a state: STREET_ADDRESS, ZIP_CODE, LOCATION (Veil cannot
      tell a city from a state, so states are masked too; the rule's 3-digit ZIP allowance is not used)
  (C) all elements of dates except the year, and ages over 89: DATE_TIME (a bare year stays
      readable), AGE (an age of 89 or less stays readable)
  (D) telephone and (E) fax numbers: PHONE_NUMBER      (F) e-mail addresses: EMAIL_ADDRESS
  (G) social security numbers: US_SSN
  (H) medical record and (I) health plan beneficiary numbers: ID_NUMBER, UK_NHS
  (J) account numbers: IBAN_CODE, US_BANK_NUMBER, CREDIT_CARD, CRYPTO
  (K) certificate and licence numbers: MEDICAL_LICENSE, US_DRIVER_LICENSE, US_PASSPORT
  (L) vehicle identifiers and plates: VEHICLE_ID      (M) device identifiers: MAC_ADDRESS
  (N) URLs: URL      (O) IP addresses: IP_ADDRESS
  (P) biometric identifiers and (Q) full-face photographs: not text; Veil stores no images
  (R) any other unique identifying number or code: CASE_NUMBER, ID_NUMBER
Readable: job titles (TITLE) and nationality, religion and politics (NRP), which the rule does not list.

`gdpr` -- direct and quasi identifiers of natural persons, GDPR Art. 4(1): "an identifier such as a
name, an identification number, location data, an online identifier" (recital 30: IP addresses)
"or ... factors specific to the physical, physiological, genetic, mental, economic, cultural or
social identity" (employer, job title, age), with Art. 9's special categories (NRP). That is every
type Veil detects today, so `gdpr` masks what `default` masks: it names the rule a collection
follows, so that a later change to the default is a decision about that collection too.

`people-only` -- for public literature (papers, reports, judgments already published): names of
people, their contact details (e-mail, phone, street address and postcode, personal IP and MAC
addresses) and numbers that identify a person, an account, a vehicle or a case. Places, organisations,
dates, ages, job titles, nationalities and web addresses stay readable: in such text they are the
content (where an outbreak began, which lab found it, when), not a way to single out a person.

Per collection, `allow` terms are never masked (a detection lying inside an occurrence of one, any
case) and `deny` terms always are (every occurrence, any case, whole words), whatever the profile.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import get_args

from core.errors import VeilError
from core.settings import PolicyName, check_policy_terms
from core.vocabulary.numbers import number_in_words
from redaction.spans import Detection

DENIED = "DENIED_TERM"  # the entity type of a deny-list term (its placeholder: <DENIED_TERM_1>)
DENY_DETECTOR = "deny-list"

# Profile -> the entity types it leaves readable (everything else Veil detects is masked).
READABLE: dict[str, frozenset[str]] = {
    "default": frozenset(),
    "hipaa-safe-harbor": frozenset({"TITLE", "NRP"}),
    "gdpr": frozenset(),
    "people-only": frozenset({"LOCATION", "ORGANIZATION", "DATE_TIME", "AGE", "TITLE", "NRP", "URL"}),
}
POLICY_NAMES: tuple[str, ...] = get_args(PolicyName)
assert set(READABLE) == set(POLICY_NAMES), "core.settings.PolicyName and READABLE must name the same profiles"

_BARE_YEAR = re.compile(r"\W*(1[89]|20)\d\d\W*")
_NUMBER = re.compile(r"\d+")


def _hipaa_readable_value(entity_type: str, value: str) -> bool:
    """Safe Harbor (C) removes every element of a date except the year, and ages over 89 only."""
    if entity_type == "DATE_TIME":
        return bool(_BARE_YEAR.fullmatch(value))
    if entity_type == "AGE":
        numbers = [int(n) for n in _NUMBER.findall(value)]
        age = max(numbers) if numbers else number_in_words(value)
        return age is not None and age <= 89
    return False


@dataclass(frozen=True)
class RedactionPolicy:
    """A profile plus a collection's own terms. `tag` (set by whoever holds the deployment's key) tells
    two term lists apart in `label` without showing them: the label is what documents and audit
    events record."""

    name: str = "default"
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    tag: str = ""

    def __post_init__(self) -> None:
        if self.name not in READABLE:
            raise VeilError(f"unknown redaction policy {self.name!r}: choose one of {', '.join(POLICY_NAMES)}")
        try:
            check_policy_terms(self.allow, self.deny)
        except ValueError as exc:
            raise VeilError(f"invalid redaction policy: {exc}") from None

    @property
    def label(self) -> str:
        """`people-only`, or `people-only#3f2a…` when the collection has its own terms."""
        return f"{self.name}#{self.tag}" if (self.allow or self.deny) and self.tag else self.name

    @property
    def is_default(self) -> bool:
        return self.name == "default" and not self.allow and not self.deny

    def masks(self, entity_type: str) -> bool:
        return entity_type not in READABLE[self.name]

    def masked_types(self, detected: Collection[str]) -> list[str]:
        """What this policy masks of the types Veil detects (`redaction.entities`), in their order."""
        return [t for t in detected if self.masks(t)]

    def apply(self, text: str, detections: Sequence[Detection]) -> list[Detection]:
        """The detections this policy replaces, plus every occurrence of a deny term."""
        kept = [d for d in detections if self._replaces(text, d)]
        if self.masks("STREET_ADDRESS") and not self.masks("LOCATION"):
            kept = whole_addresses(text, kept, [d for d in detections if d not in kept])
        return kept + self._denied(text)

    def _replaces(self, text: str, det: Detection) -> bool:
        if not self.masks(det.entity_type):
            return False
        if self.name == "hipaa-safe-harbor" and _hipaa_readable_value(det.entity_type, text[det.start:det.end]):
            return False
        return not any(s <= det.start and det.end <= e for s, e in _occurrences(self._allow_pattern, text))

    def _denied(self, text: str) -> list[Detection]:
        return [Detection(DENIED, s, e, 1.0, DENY_DETECTOR) for s, e in _occurrences(self._deny_pattern, text)]

    @cached_property
    def _allow_pattern(self) -> re.Pattern | None:
        return terms_pattern(self.allow)

    @cached_property
    def _deny_pattern(self) -> re.Pattern | None:
        return terms_pattern(self.deny)


DEFAULT_POLICY = RedactionPolicy()

# What may follow a street address on its line: separators, then a town or region a detector found
# (readable on its own under people-only), or a postcode-like token (capitals and digits, with a digit),
# after a region code ("CK 5365").
_ADDRESS_GAP = re.compile(r"[ \t,]{0,8}")
_POSTCODE_TAIL = re.compile(r"[ \t,]{1,8}(?:[A-Z]{2,3}[ \t]{1,4})?(?=[A-Z]{0,3}\d)[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?\b")


def whole_addresses(text: str, kept: list[Detection], readable: list[Detection]) -> list[Detection]:
    """A street address is a contact detail with its town, region and postcode: where a policy keeps
    places readable, the places and postcode that continue an address on its line are masked with it."""
    starts = sorted(readable, key=lambda d: d.start)
    out = []
    for det in kept:
        if det.entity_type == "STREET_ADDRESS":
            end = det.end
            while True:
                gap = _ADDRESS_GAP.match(text, end).end()
                nxt = next((d for d in starts if d.start == gap or d.start < gap and d.end > end), None)
                tail = _POSTCODE_TAIL.match(text, end)
                if nxt is not None and nxt.end > end:
                    end = nxt.end
                elif tail:
                    end = tail.end()
                else:
                    break
            det = Detection(det.entity_type, det.start, end, det.score, det.detector)
        out.append(det)
    return out


def terms_pattern(terms: Sequence[str]) -> re.Pattern | None:
    """Whole terms, any case, any run of spaces between their words; longest first."""
    if not terms:
        return None
    alternatives = sorted({r"\s+".join(map(re.escape, t.split())) for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _occurrences(pattern: re.Pattern | None, text: str) -> list[tuple[int, int]]:
    return [] if pattern is None else [m.span() for m in pattern.finditer(text)]


def policy_tag(key: bytes, name: str, allow: Sequence[str], deny: Sequence[str]) -> str:
    """A keyed fingerprint of the term lists: equal lists, equal tag; it reveals no term."""
    canonical = "\x1f".join([name, *sorted(_key(t) for t in allow), "\x1e", *sorted(_key(t) for t in deny)])
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()[:12]


def _key(term: str) -> str:
    return " ".join(term.casefold().split())


def normalised_terms(terms: Sequence[str]) -> tuple[str, ...]:
    """Spaces collapsed, duplicates (any case) dropped, order kept."""
    seen, out = set(), []
    for term in terms:
        clean = " ".join(term.split())
        if _key(clean) not in seen:
            seen.add(_key(clean))
            out.append(clean)
    return tuple(out)
