"""Parsing, chunking and the ingest pipeline: files in, redacted embedded chunks out."""
