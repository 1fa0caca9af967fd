"""Cells for spreadsheets we hand out (XLSX, CSV): text that a spreadsheet program would run as a
formula is neutralised (OWASP "CSV injection"; docs/security.md, finding 4).

A unit, group or directive named `=HYPERLINK("http://evil", "Bấm")` must arrive as that text, not
as a live link or a formula. Text that starts with = + - @, a tab or a carriage return gets a
leading apostrophe, which spreadsheet programs show as text. Numbers, dates and empty cells pass
through unchanged. Every export builds its rows through `safe_row` (or `safe_cell`).
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should store it: a text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def to_csv(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text, every cell neutralised: for any export that offers CSV."""
    output = io.StringIO()
    writer = csv.writer(output)
    for row in rows:
        writer.writerow(safe_row(row))
    return output.getvalue()
