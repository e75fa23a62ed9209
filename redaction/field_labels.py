"""Field labels: the words forms, letters and records put before a value ("IBAN", "SSN", "Tel.",
"DOB", "Account no.", "Date of birth"). Beside a placeholder such a word is context, not data: the
value it labelled is already the placeholder. The egress guard uses this to stop reading "IBAN" in
"paid to IBAN <IBAN_CODE_1>" as a place.

The lexicon is organised by what the field holds, the way forms group them; it is written from
the conventions of forms (identity documents, banking, contact blocks, clinical headers, letters),
not from any data set. A label that is also a familiar given name or surname ("Will", "Ward",
"Swift", "Chi") is left out: the guard must never excuse a name because it looks like a label.
"""

from __future__ import annotations

import re

from core.vocabulary.honorifics import HONORIFICS

_BY_FIELD = {
    "generic": "id ids identifier ident no nos nr num number numbers ref reference code key serial "
               "type field value details detail information info",
    "identity": "ssn sin nin nino ni nhs mrn ehr uhid tin itin ein vat nif nie nip pesel bsn dni "
                "passport licence license dl national insurance social security tax personal "
                "registration reg certificate",
    "records": "member membership policy claim case file account acct customer client patient "
               "employee staff badge student invoice order po contract ticket booking "
               "reservation matter docket plate vin chassis vehicle",
    "banking": "iban bic sort routing aba bsb card cvv cvc expiry exp bank branch sepa "
               "payment payee beneficiary",
    "contact": "tel telephone phone ph mobile mob cell fax email e-mail mail web website url "
               "address addr postcode post zip postal street city country home work office",
    "dates": "date dob born birth birthdate admitted admission discharged discharge visit dos "
             "seen issued expires expiry valid since until",
    "people": "name names surname forename given family first last middle maiden full attn "
              "attention to from cc bcc re subject signed signature by contact sender recipient "
              "applicant holder owner tenant landlord borrower employer insured claimant "
              "guardian kin pcp gp provider physician doctor consultant npi",
    "function": "of and or the a on for in at",
}
FIELD_LABEL_WORDS = frozenset(w for words in _BY_FIELD.values() for w in words.split()) | frozenset(HONORIFICS)
_FUNCTION = frozenset(_BY_FIELD["function"].split())

_WORD = re.compile(r"[^\W\d_]+")
_MARK = r"<[A-Z][A-Z_]*?_\d+>"  # a placeholder, as core.placeholders writes it
# Between a label and its value: separators and more label words ("IBAN no.: <IBAN_CODE_1>").
_LABEL_WORD = "|".join(sorted((re.escape(w) for w in FIELD_LABEL_WORDS), key=len, reverse=True))
_GAP = rf"(?:[\s:#.,;=/|*()\[\]\-–—]|(?i:{_LABEL_WORD})(?![^\W\d_]))*"
_LABEL_THEN_MARK = re.compile(rf"{_GAP}{_MARK}")
_MARK_THEN_LABEL = re.compile(rf"{_MARK}{_GAP}")
_REACH = 40  # characters a label may stand from its placeholder


_HONORIFIC = "|".join(sorted(map(re.escape, HONORIFICS), key=len, reverse=True))
_HONORIFIC_BEFORE = re.compile(rf"(?i)(?<![^\W\d_])(?:{_HONORIFIC})\.?[ \t]+$")


def _names_someone(text: str, start: int, end: int) -> bool:
    """An honorific before a word makes it a name, whatever else it could label:
    "<honorific> Street", "<honorific> Field"."""
    words = [w.lower() for w in _WORD.findall(text[start:end])]
    return any(w in HONORIFICS for w in words[:-1]) or bool(_HONORIFIC_BEFORE.search(text, max(0, start - 12), start))


def is_field_label(phrase: str) -> bool:
    """Every word of `phrase` is a field-label word and one is more than a function word; no digits
    ("ID 4471" is a value)."""
    if any(ch.isdigit() for ch in phrase):
        return False
    words = [w.lower() for w in _WORD.findall(phrase)]
    return bool(words) and all(w in FIELD_LABEL_WORDS for w in words) and not _FUNCTION.issuperset(words)


def labels_a_placeholder(text: str, start: int, end: int) -> bool:
    """`text[start:end]` is a field label standing right before or right after a placeholder."""
    if not is_field_label(text[start:end]) or _names_someone(text, start, end):
        return False
    if _LABEL_THEN_MARK.match(text[end:end + _REACH]):
        return True
    before = text[max(0, start - _REACH):start]
    return any(m.end() == len(before) for m in _MARK_THEN_LABEL.finditer(before))
