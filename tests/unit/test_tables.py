"""Tables become labelled rows, so a cell keeps what it is."""

from __future__ import annotations

from ingest.tables import labelled_rows

HTML = ("<table><tr><td>claimant</td><td>vehicle_reg</td><td>reserve</td></tr>"
        "<tr><td>Adaeze Okoro</td><td>LK19 XPT</td><td>GBP 4800.00</td></tr>"
        "<tr><td>Julien Moreau</td><td></td><td>EUR 12650.00</td></tr></table>")


def test_each_row_becomes_one_labelled_line():
    assert labelled_rows(HTML) == ("claimant: Adaeze Okoro; vehicle reg: LK19 XPT; reserve: GBP 4800.00\n"
                                   "claimant: Julien Moreau; reserve: EUR 12650.00")


def test_a_table_without_a_header_row_is_left_to_the_parser():
    assert labelled_rows("<table><tr><td>2024-01-02</td><td>42</td></tr><tr><td>x</td><td>y</td></tr></table>") is None
    assert labelled_rows("<table><tr><td>only a header</td></tr></table>") is None


def test_rows_wider_than_their_header_and_broken_markup_keep_the_parsers_text():
    wide = "<table><tr><td>name</td></tr><tr><td>Ann Lee</td><td>078-05-1120</td></tr></table>"
    assert labelled_rows(wide) is None
    assert labelled_rows("<table><tr><td>name</td></tr><tr><td><![CDATA[Jane </td></tr>") in (None, "name: Jane")
