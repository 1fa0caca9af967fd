"""The periodic report, downloaded as XLSX and PDF, in Vietnamese, with figures of the period."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from canhgiac.testing import signed_in
from core.errors import ActionError
from groups.models import GroupKind
from steering.actions import check_issue_directive
from steering.models import TargetLevel
from steering.periodic import Period, build


def this_month() -> dict:
    today = timezone.localdate()
    return {"kind": "month", "year": today.year, "number": today.month}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_xlsx_report_reads_back_with_the_units_figures_in_vietnamese(world, client):
    check_issue_directive(
        world.province_officer,
        world.province,
        title="Mỗi tổ dân cư phải có nhóm",
        deadline=timezone.localdate() + timedelta(days=30),
        requirements=[(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)],
    )
    response = signed_in(client, world.officer).get(f"/steering/u/{world.commune.code}/report.xlsx", this_month())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-25573-')
    book = load_workbook(BytesIO(response.content))
    summary = [[cell for cell in row if cell is not None] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[0] == ["Báo cáo định kỳ mô hình nhóm phòng, chống tội phạm"]
    assert summary[1][0].startswith("Xã Cầu Khởi — Tháng")
    rows = {row[0]: row[1:] for row in summary if row}
    # Everything in the test world was created this month: nothing at the start, all at the end.
    assert rows["Nhóm"] == [0, 3, 3]
    assert rows["Thành viên"] == [0, 5, 5]
    assert rows["Hộ gia đình đã đăng ký"] == [0, 2, 2]
    assert rows["Lực lượng tuần tra nhân dân"] == [0, 0, 0]
    # Reports and bulletins register their providers, so no section is left "not available yet".
    assert ["Chưa có: phân hệ này chưa được cài đặt."] not in summary
    units = {row[0]: row[1:] for row in book.worksheets[1].iter_rows(values_only=True)}
    assert units["Ấp Phước Hội"][:2] == (3, 5)
    directives = list(book.worksheets[2].iter_rows(values_only=True))
    assert directives[1][0] == "Mỗi tổ dân cư phải có nhóm" and directives[1][2:] == (3, 2, 1, 0)


def test_the_pdf_report_carries_the_vietnamese_text_and_figures(world, client):
    response = signed_in(client, world.province_officer).get(
        f"/steering/u/{world.province.code}/report.pdf",
        {**this_month(), "kind": "quarter", "number": (timezone.localdate().month - 1) // 3 + 1},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())  # names wrap in the narrow columns
    assert "Kết quả thực hiện mô hình nhóm tuyên truyền phòng, chống tội phạm quý" in text
    assert "Xã Cầu Khởi" in text and "Xã Dương Minh Châu" in text
    assert ". Tin báo đã tiếp nhận và xử lý" in text  # sections are numbered headings


def test_a_report_of_an_earlier_period_counts_what_existed_then(world):
    last_year = Period.parse("year", timezone.localdate().year - 1)
    report = build(world.commune, last_year)
    figures = {line.label: line.end for section in report.sections for line in section.lines}
    assert figures["Groups"] == 0 and figures["Members"] == 0 and figures["Households registered"] == 0


@pytest.mark.parametrize(
    ("kind", "year", "number"),
    [("week", 2026, 1), ("month", 2026, 13), ("quarter", 2026, 5), ("month", "abc", 1), ("year", 2999, 1)],
)
def test_a_bad_or_future_period_is_refused(kind, year, number):
    with pytest.raises(ActionError):
        Period.parse(kind, year, number)


def test_a_bad_period_in_the_address_gives_a_message_in_vietnamese(world, client):
    response = signed_in(client, world.officer).get(
        f"/steering/u/{world.commune.code}/report.pdf", {"kind": "quarter", "year": "2026", "number": "5"}, follow=True
    )
    assert "Hãy chọn một kỳ báo cáo hợp lệ." in response.content.decode()


def test_periods_have_their_dates_and_vietnamese_labels():
    assert (Period("quarter", 2019, 4).start.isoformat(), Period("quarter", 2019, 4).end.isoformat()) == (
        "2019-10-01",
        "2019-12-31",
    )
    assert Period("month", 2020, 2).end.isoformat() == "2020-02-29"
    assert Period("year", 2019, 1).label == "Year 2019"
