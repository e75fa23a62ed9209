from __future__ import annotations

from typing import Protocol

from core.types import Element


class Parser(Protocol):
    """Turns a file's bytes into text elements. Raises UnsupportedFileError, ParseError or EmptyDocumentError."""

    def parse(self, data: bytes, filename: str) -> list[Element]: ...
