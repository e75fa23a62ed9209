from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from core.placeholders import neutralise
from core.types import Element
from redaction.spans import DetectedDocument


class Parser(Protocol):
    """Turns a file's bytes into text elements. Raises UnsupportedFileError, ParseError or EmptyDocumentError."""

    def parse(self, data: bytes, filename: str) -> list[Element]: ...


@dataclass(frozen=True)
class ParsedFile:
    """A parsed file on its way to redaction. `detected`: detection already run on its element texts
    followed by its name's texts (`SourceName.texts`), in a parsing worker; None: still to do."""

    elements: list[Element]
    detected: DetectedDocument | None = None


def untrusted(elements: Sequence[Element]) -> list[Element]:
    """Parsed text as Veil may redact and store it: look-alikes of placeholders neutralised
    (`core.placeholders.neutralise`), so every `<TYPE_N>` in the store is one the redactor made."""
    return [e if "<" not in e.text else replace(e, text=neutralise(e.text)) for e in elements]
