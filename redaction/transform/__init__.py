"""Transformation: what replaces a detected value (operators, placeholders) and where (splice)."""
