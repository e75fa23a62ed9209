"""Detection (Presidio + Veil's recognizers) and transformation (typed placeholders) of personal data."""
