"""Embedding, vector stores and search."""
