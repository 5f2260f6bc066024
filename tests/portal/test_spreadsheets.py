"""Every CSV the portal writes is safe to open in a spreadsheet."""

import csv
import io

import pytest

from portal.spreadsheets import looks_like_formula, spreadsheet_cell, write_csv_rows


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formula_cells_are_written_as_text(cell):
    assert looks_like_formula(cell)
    stream = io.StringIO()
    write_csv_rows(stream, [[cell, 42]])
    written = next(csv.reader(io.StringIO(stream.getvalue())))
    assert written == ["'" + cell, "42"]


def test_ordinary_cells_are_written_unchanged():
    assert spreadsheet_cell("Acme Cloud") == "Acme Cloud"
    assert spreadsheet_cell(1250.5) == 1250.5
    assert spreadsheet_cell(None) is None
