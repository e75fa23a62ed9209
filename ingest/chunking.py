"""Sentence-aware chunking of a redacted document, never across a page boundary."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.types import RedactedElement

ELEMENT_SEPARATOR = "\n\n"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[<A-Z0-9])|\n+")


@dataclass(frozen=True)
class Piece:
    """A sentence (or a slice of an over-long one) located in the document's redacted text."""

    text: str
    start: int
    page: int | None


@dataclass(frozen=True)
class ChunkSpan:
    text: str
    start: int
    end: int
    page: int | None


def document_text(elements: Sequence[RedactedElement]) -> str:
    return ELEMENT_SEPARATOR.join(e.text for e in elements)


def split_sentences(text: str, offset: int, page: int | None, max_len: int) -> list[Piece]:
    pieces: list[Piece] = []
    cursor = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        sentence = text[cursor:end]
        if sentence.strip():
            lead = len(sentence) - len(sentence.lstrip())
            pieces.extend(_hard_split(sentence.strip(), offset + cursor + lead, page, max_len))
        cursor = match.end() if match else len(text)
    return pieces


def _hard_split(sentence: str, start: int, page: int | None, max_len: int) -> list[Piece]:
    """Split a sentence longer than a chunk at word boundaries."""
    out: list[Piece] = []
    while len(sentence) > max_len:
        cut = sentence.rfind(" ", 0, max_len)
        cut = cut if cut > 0 else max_len
        out.append(Piece(sentence[:cut], start, page))
        rest = sentence[cut:]
        skipped = len(rest) - len(rest.lstrip())
        sentence, start = rest.lstrip(), start + cut + skipped
    if sentence:
        out.append(Piece(sentence, start, page))
    return out


def sentence_pieces(elements: Sequence[RedactedElement], max_len: int) -> list[Piece]:
    pieces: list[Piece] = []
    offset = 0
    for element in elements:
        pieces.extend(split_sentences(element.text, offset, element.page, max_len))
        offset += len(element.text) + len(ELEMENT_SEPARATOR)
    return pieces


def chunk_document(elements: Sequence[RedactedElement], size: int, overlap: int) -> list[ChunkSpan]:
    """Pack whole sentences up to `size` chars; repeat trailing sentences up to `overlap` chars."""
    full_text = document_text(elements)
    chunks: list[ChunkSpan] = []
    window: list[Piece] = []

    def flush() -> None:
        if window:
            start, end = window[0].start, window[-1].start + len(window[-1].text)
            chunks.append(ChunkSpan(full_text[start:end], start, end, window[0].page))

    for piece in sentence_pieces(elements, size):
        if window and (piece.page != window[-1].page or _span_len(window, piece) > size):
            flush()
            window = _overlap_tail(window, piece, overlap, size) if piece.page == window[-1].page else []
        window.append(piece)
    flush()
    return chunks


def _span_len(window: Sequence[Piece], piece: Piece) -> int:
    return piece.start + len(piece.text) - window[0].start


def _overlap_tail(window: Sequence[Piece], incoming: Piece, overlap: int, size: int) -> list[Piece]:
    """The trailing sentences that fit in `overlap` chars and still leave room for `incoming`."""
    tail: list[Piece] = []
    for piece in reversed(window):
        candidate = [piece, *tail]
        if _span_len(candidate, window[-1]) > overlap or _span_len(candidate, incoming) > size:
            break
        tail = candidate
    return tail
