"""Veil's recognizer registry: what replaces or adds to Presidio's stock recognizers."""

from __future__ import annotations

# Stock recognizers that Veil's own versions supersede (broader formats, checksums, fewer false hits).
REPLACED_STOCK_RECOGNIZERS = {"CreditCardRecognizer", "IbanRecognizer", "PhoneRecognizer", "DateRecognizer"}


def veil_recognizers() -> list:
    from redaction.addresses import StreetAddressRecognizer
    from redaction.identifiers import identifier_recognizers
    from redaction.names import name_recognizers
    from redaction.quasi import quasi_recognizers
    from redaction.rare import RareWordRecognizer
    from redaction.records import record_recognizers

    return [StreetAddressRecognizer(), *identifier_recognizers(), *record_recognizers(), *name_recognizers(),
            *quasi_recognizers(), RareWordRecognizer()]
