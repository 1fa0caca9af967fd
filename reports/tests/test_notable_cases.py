"""Notable cases in the periodic report: alerted, forwarded or overdue reports of the period, capped, nameless."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from canhgiac.testing import create_report, signed_in
from reports.actions import check_raise_alert, check_transition
from reports.metrics import NOTABLE_LIMIT
from reports.models import Report
from reports.workflow import Status

pytestmark = pytest.mark.django_db


def this_month() -> dict:
    today = timezone.localdate()
    return {"kind": "month", "year": today.year, "number": today.month}


def notable_sheet(client, person, unit) -> list[list]:
    response = signed_in(client, person).get(f"/steering/u/{unit.code}/report.xlsx", this_month())
    book = load_workbook(BytesIO(response.content))
    assert "Vụ việc nổi bật" in book.sheetnames
    return [[cell for cell in row if cell is not None] for row in book["Vụ việc nổi bật"].iter_rows(values_only=True)]


@pytest.fixture
def cases(world):
    now = timezone.now()
    world.forwarded = create_report(world.resident, world.rg, description="Ông Tư bán ma túy ở số 12").report
    check_transition(
        world.officer, world.forwarded, Status.FORWARDED, reason="Dấu hiệu tội phạm", forwarded_to="CSĐT Công an tỉnh"
    )
    world.alerted = create_report(None, world.hamlet, visibility="anonymous", description="Xe lạ dò nhà").report
    check_raise_alert(world.officer, world.hamlet, "Có xe lạ dò xét nhà dân, bà con cảnh giác.", report=world.alerted)
    world.overdue = create_report(world.resident, world.other_rg, kind="public_order", category="noise").report
    Report.objects.filter(pk=world.overdue.pk).update(decision_due_at=now - timedelta(hours=2))
    world.ordinary = create_report(world.resident, world.rg, kind="lost", category="lost_item").report
    world.earlier = create_report(world.resident, world.rg).report
    Report.objects.filter(pk=world.earlier.pk).update(
        received_at=now - timedelta(days=45), decision_due_at=now - timedelta(days=25)
    )
    return world


def test_the_xlsx_lists_alerted_forwarded_and_overdue_reports_of_the_period_with_their_outcome(cases, client):
    rows = notable_sheet(client, cases.officer, cases.commune)
    assert rows[0] == ["Vụ việc nổi bật"]
    assert rows[2] == ["Mã tiếp nhận", "Ngày tiếp nhận", "Loại", "Địa bàn", "Trạng thái", "Lý do", "Kết quả"]
    listed = {row[0]: row for row in rows[3:]}
    # Alerts first, then forwarded, then overdue; ordinary reports and those of earlier periods are not listed.
    assert list(listed) == [cases.alerted.receipt_code, cases.forwarded.receipt_code, cases.overdue.receipt_code]
    forwarded = listed[cases.forwarded.receipt_code]
    assert forwarded[2] == "Tin báo, tố giác tội phạm — Trộm cắp"
    assert forwarded[3] == "Tổ 1, Ấp Phước Hội"
    assert forwarded[5] == "đã chuyển cơ quan điều tra"
    assert forwarded[6].startswith("Đã chuyển CSĐT Công an tỉnh ngày ")
    assert listed[cases.alerted.receipt_code][5] == "có cảnh báo khẩn"
    assert listed[cases.overdue.receipt_code][5] == "quá hạn"
    assert listed[cases.overdue.receipt_code][6].startswith("Quá hạn từ ngày ")


def test_notable_cases_never_name_the_reporter_nor_quote_the_report(cases, client):
    response = signed_in(client, cases.province_officer).get(
        f"/steering/u/{cases.province.code}/report.pdf", this_month()
    )
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Vụ việc nổi bật" in text and cases.forwarded.receipt_code in text
    for secret in ("Nguyễn Văn Thanh", "0901000001", "ma túy ở số 12", "dò nhà"):
        assert secret not in text
    book = load_workbook(
        BytesIO(
            signed_in(client, cases.officer).get(f"/steering/u/{cases.commune.code}/report.xlsx", this_month()).content
        )
    )
    cells = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    for secret in ("Nguyễn Văn Thanh", "0901000001", "ma túy ở số 12", "dò nhà"):
        assert secret not in cells


def test_a_long_list_is_capped_and_says_how_many_more(world, client):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            kind="crime",
            category="theft",
            visibility="confidential",
            unit=world.rg,
            description="Mất trộm",
            received_at=now - timedelta(seconds=n),
            decision_due_at=now - timedelta(seconds=n + 1),
        )
        for n in range(NOTABLE_LIMIT + 5)
    )
    rows = notable_sheet(client, world.officer, world.commune)
    assert len(rows) == 3 + NOTABLE_LIMIT + 1
    assert rows[-1] == ["…và 5 vụ việc khác."]


def test_a_quiet_period_says_there_is_none(world, client):
    rows = notable_sheet(client, world.officer, world.commune)
    assert rows[-1] == ["Không có trong kỳ."]
