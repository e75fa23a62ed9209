"""Leak checks against the planted values of examples/planted.json."""

from __future__ import annotations


def leak_probes(item: dict) -> list[str]:
    """The value itself, and for an address its street line and its state + postcode alone
    ("58 Marlowe Street", "OR 97209")."""
    value = item["value"]
    if item["label"] != "STREET_ADDRESS":
        return [value]
    parts = [p.strip() for p in value.split(",")]
    return [value, parts[0], parts[-1]]


def leaked(planted: list[dict], text: str) -> list[str]:
    lowered = text.lower()
    return [probe for p in planted for probe in leak_probes(p) if probe.lower() in lowered]
