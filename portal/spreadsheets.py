"""Spreadsheet safety: the one home of the rule for cells a spreadsheet would run as a formula.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken as
a formula by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). Imports flag such
cells; every CSV the portal writes passes its cells through `spreadsheet_cell`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "+44 20 7946 0958" or "-12.5" start with a sign but no spreadsheet runs them.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s().,/-]*")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet opening this cell would evaluate it instead of showing it."""
    if not value.startswith(FORMULA_PREFIXES):
        return False
    return not _SIGNED_NUMBER.fullmatch(value)


def spreadsheet_cell(value: Any) -> Any:
    """The value to write into a CSV cell: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe, which spreadsheets show as plain text; numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv_rows(stream: Any, rows: Iterable[Iterable[Any]]) -> None:
    """Write rows to a text stream as CSV, every text cell neutralised against formulas."""
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
