"""Veil's shared kernel: settings, domain types, errors. Imports no other Veil package."""
