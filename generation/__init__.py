"""Prompts, chat models (local GGUF first) and the answering service."""
