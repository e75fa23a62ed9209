"""Tables as labelled rows: "claimant: Kwame Asante; vehicle reg: LK19 XPT" instead of a run of cells.

unstructured flattens a table (CSV, XLSX, HTML, DOCX) into one line of cells, which loses what each
value is. Written as one line per row with its column headers, a cell keeps its label: redaction
recognises "member id: ..." or "plate: ..." by the label, and a retrieved row reads as a record.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def labelled_rows(table_html: str) -> str | None:
    """One line per data row, each cell after its header; None when the table has no header row."""
    parser = _Cells()
    try:
        parser.feed(table_html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: the caller keeps unstructured's text
        return None
    rows = [r for r in parser.rows if any(r)]
    if len(rows) < 2 or not _is_header(rows[0]) or any(len(r) > len(rows[0]) for r in rows[1:]):
        return None  # no header, or cells a header does not name (colspan): keep every cell as it was
    header = [h.replace("_", " ").strip() for h in rows[0]]
    lines = ["; ".join(f"{h}: {v}" for h, v in zip(header, row) if v) for row in rows[1:]]
    return "\n".join(line for line in lines if line)


def _is_header(row: list[str]) -> bool:
    """Every cell named, none a number or a date: "claim_no", "Date of birth", not "2024-04-03"."""
    return all(cell and not any(c.isdigit() for c in cell) and len(cell) <= 60 for cell in row)
