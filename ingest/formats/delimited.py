"""Delimited text (CSV, TSV) that unstructured's pandas reader rejects: rows of different lengths, one
column (nothing for the delimiter sniffer to find). Python's csv module reads any of them; short rows are
padded, so every cell stays, under its header where it has one (ingest.tables).
"""

from __future__ import annotations

import csv
import html
import io

from core.types import Element
from ingest.tables import labelled_rows

_DELIMITERS = ",;\t|"
_SNIFF_SAMPLE = 64 * 1024


def parse_delimited(data: bytes, suffix: str) -> list[Element]:
    """One Table element: labelled rows when the first row is a header, else one line per row."""
    text = _decode(data)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), _dialect(text, suffix))
            if any(cell.strip() for cell in row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    padded = [[cell.strip() for cell in row] + [""] * (width - len(row)) for row in rows]
    lines = labelled_rows(_as_html(padded)) or "\n".join(" ".join(c for c in row if c) for row in padded)
    return [Element(lines, None, "Table")]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # the usual 8-bit spreadsheet export


def _dialect(text: str, suffix: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:_SNIFF_SAMPLE], delimiters=_DELIMITERS)
    except csv.Error:  # one column, or nothing regular enough to tell
        return csv.excel_tab if suffix == ".tsv" else csv.excel


def _as_html(rows: list[list[str]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table>{body}</table>"
