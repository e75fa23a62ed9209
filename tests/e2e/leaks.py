"""Leak checks against the planted values of examples/planted.json."""

from __future__ import annotations


def leak_probes(item: dict) -> list[str]:
    """The value itself, and for an address its street line alone ("58 Marlowe Street")."""
    value = item["value"]
    return [value, value.split(",")[0]] if item["label"] == "STREET_ADDRESS" else [value]


def leaked(planted: list[dict], text: str) -> list[str]:
    lowered = text.lower()
    return [probe for p in planted for probe in leak_probes(p) if probe.lower() in lowered]
