"""Sentence-aware chunking of a redacted document, never across a page boundary.

llama-index-core's `SentenceSplitter` cuts and packs each page: elements first, then Veil's sentences
(`core.sentences`: abbreviations such as titles do not end one), then clauses, then words. It counts
characters, not model tokens, so `size` and `overlap` stay in characters as in settings.chunking.

Offsets are exact by construction: chunks are made one at a time, left to right. Each one repeats the
previous chunk's tail (its last whole sentences within `overlap` characters, or words when the previous cut
fell inside an over-long sentence), then asks the splitter, without overlap of its own, for the first chunk
of what follows that fits the room left in `size`. That chunk is a stripped prefix of the text after the
cursor, so its offsets are known, not searched for. (With the splitter's own overlap they would have to be
searched, and identical repeated text, such as one placeholder over and over, cannot be placed reliably:
llama-index's own `start_char_idx` then points at an earlier copy.) No chunk starts or ends inside a
placeholder: an end that would moves to the placeholder's end, a start to the same place.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from core.placeholders import PLACEHOLDER
from core.sentences import sentence_starts
from core.types import RedactedElement

if TYPE_CHECKING:
    from llama_index.core.node_parser import SentenceSplitter

ELEMENT_SEPARATOR = "\n\n"
_HASH_TOKEN = re.compile(r"<[A-Z][A-Z_]*#[0-9a-f]+>")  # the `hash` operator's token
_WORD_START = re.compile(r"(?<=\s)\S")
_LOOKAHEAD = 80


@dataclass(frozen=True)
class ChunkSpan:
    text: str
    start: int
    end: int
    page: int | None


def document_text(elements: Sequence[RedactedElement]) -> str:
    return ELEMENT_SEPARATOR.join(e.text for e in elements)


@lru_cache(maxsize=1024)
def _splitter(size: int) -> SentenceSplitter:
    from llama_index.core.callbacks import CallbackManager
    from llama_index.core.node_parser import SentenceSplitter

    from core.sentences import sentences
    from ingest.llama_settings import characters, pin_settings

    pin_settings()
    return SentenceSplitter(
        chunk_size=size, chunk_overlap=0, tokenizer=characters,
        paragraph_separator=ELEMENT_SEPARATOR, chunking_tokenizer_fn=sentences,
        callback_manager=CallbackManager([]), include_metadata=False, include_prev_next_rel=False)


def page_runs(elements: Sequence[RedactedElement]) -> Iterator[tuple[int, int, int | None]]:
    """(start, end, page) of each run of consecutive elements on one page, in document offsets."""
    offset, run_start, run_page, run_end = 0, None, None, 0
    for element in elements:
        if run_start is not None and element.page != run_page:
            yield run_start, run_end, run_page
            run_start = None
        if run_start is None:
            run_start, run_page = offset, element.page
        run_end = offset + len(element.text)
        offset = run_end + len(ELEMENT_SEPARATOR)
    if run_start is not None:
        yield run_start, run_end, run_page


def overlap_start(text: str, previous: tuple[int, int], cursor: int, overlap: int, run_end: int) -> int:
    """Where a chunk whose new text begins at `cursor` starts once it repeats the previous chunk's tail,
    as the splitter would: whole sentences when the cut fell between sentences, words when it cut an
    over-long one."""
    lowest = max(previous[0] + 1, cursor - overlap)
    if overlap <= 0 or lowest >= cursor:
        return cursor
    lookahead = text[previous[0]:min(run_end, cursor + _LOOKAHEAD)]  # Punkt decides on the next word
    boundaries = [previous[0] + b for b in sentence_starts(lookahead)]
    if cursor not in boundaries:
        boundaries = [m.start() for m in _WORD_START.finditer(text, previous[0], cursor)]
    return min((b for b in boundaries if lowest <= b < cursor), default=cursor)


def protected_ranges(elements: Sequence[RedactedElement], full_text: str) -> list[tuple[int, int]]:
    """Placeholders a cut must not fall into (the redaction spans and any token the text shows), merged."""
    ranges, offset = [], 0
    for element in elements:
        ranges += [(offset + s.start, offset + s.end) for s in element.spans]
        offset += len(element.text) + len(ELEMENT_SEPARATOR)
    for pattern in (PLACEHOLDER, _HASH_TOKEN):
        ranges += [m.span() for m in pattern.finditer(full_text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end - start > 1:
            merged.append((start, end))
    return merged


def _containing(position: int, ranges: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The protected range that `position` falls strictly inside, if any (a cut there would split it)."""
    i = bisect.bisect_right(ranges, (position, position)) - 1
    if i >= 0 and ranges[i][0] < position < ranges[i][1]:
        return ranges[i]
    return None


def chunk_document(elements: Sequence[RedactedElement], size: int, overlap: int) -> list[ChunkSpan]:
    """Whole sentences packed up to `size` chars, repeating up to `overlap` chars of the previous chunk."""
    full_text = document_text(elements)
    ranges = protected_ranges(elements, full_text)
    chunks: list[ChunkSpan] = []
    for run_start, run_end, page in page_runs(elements):
        previous: tuple[int, int] | None = None
        cursor = run_start
        while (cursor := _skip_space(full_text, cursor, run_end)) < run_end:
            start = overlap_start(full_text, previous, cursor, overlap, run_end) if previous else cursor
            start = min((_containing(start, ranges) or (0, start))[1], cursor)  # repeat less, never more
            room = size - (cursor - start)
            # The splitter's first chunk of what follows; twice its room is enough text for it to choose
            # as it would on the whole page (a paragraph or sentence cut by the window is still too long).
            window = full_text[cursor:min(run_end, cursor + 2 * room + 1)]
            first = _splitter(room).split_text(window)[0]
            if not first or not window.startswith(first):
                raise AssertionError("SentenceSplitter's chunk is not a slice of the document text")
            end = cursor + len(first)
            end = (_containing(end, ranges) or (0, end))[1]  # a placeholder goes whole into this chunk
            chunks.append(ChunkSpan(full_text[start:end], start, end, page))
            previous, cursor = (start, end), end
    return chunks


def _skip_space(text: str, position: int, end: int) -> int:
    while position < end and text[position].isspace():
        position += 1
    return position
