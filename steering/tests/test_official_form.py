"""The periodic report as an administrative document in the form of Decree 30/2020/NĐ-CP (PDF and
Word), and the moment its figures count to, against the dashboard's."""

import re
from datetime import date
from io import BytesIO

from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from canhgiac.testing import signed_in
from groups.actions import check_create_group
from groups.models import GroupKind
from steering.actions import do_rollup
from steering.periodic import place_name, vietnamese_date


def this_month(**extra) -> dict:
    today = timezone.localdate()
    return {"kind": "month", "year": today.year, "number": today.month, **extra}


def pdf_text(content: bytes) -> str:
    """The PDF's text with line breaks made spaces (the issuing body and the title wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


def docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    in_cells = [cell_text for table in tables for row in table for cell_text in row]
    return "\n".join(paragraphs + in_cells), tables


OFFICIAL_PARTS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "UBND XÃ CẦU KHỞI",
    "BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM",
    "BÁO CÁO",
    "Kết quả thực hiện mô hình nhóm tuyên truyền phòng, chống tội phạm tháng",
    "Nơi nhận:",
    "- Ban Chỉ đạo Tỉnh Tây Ninh (để báo cáo);",
    "- Lưu: VT.",
    "TM. BAN CHỈ ĐẠO",
    "TRƯỞNG BAN",
]


def test_the_pdf_has_every_part_of_the_official_form(world, client):
    response = signed_in(client, world.officer).get(f"/steering/u/{world.commune.code}/report.pdf", this_month())
    text = pdf_text(response.content)
    for part in OFFICIAL_PARTS:
        assert part in text, part
    today = timezone.localdate()
    assert f"Cầu Khởi, {vietnamese_date(today)}" in text
    assert "Số:" in text and "/BC-BCĐ" in text
    assert world.officer.full_name in text  # the signer defaults to the officer downloading it


def test_the_word_document_has_the_same_parts_and_the_figures_with_the_number_and_signer_typed(world, client):
    response = signed_in(client, world.officer).get(
        f"/steering/u/{world.commune.code}/report.docx",
        this_month(doc_number="12", signer_name="Võ Thị Hồng", recipients="Công an huyện\nLưu: VT"),
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response["Content-Disposition"].endswith('.docx"')
    text, tables = docx_text(response.content)
    for part in [p for p in OFFICIAL_PARTS if not p.startswith("- ")]:
        assert part in text, part
    assert "Số: 12/BC-BCĐ" in text and "Võ Thị Hồng" in text
    assert "- Công an huyện;" in text and "- Lưu: VT." in text
    figures = {row[0]: row[1:] for table in tables for row in table}
    assert figures["Nhóm"] == ["0", "3", "3"]  # groups at the start, end, change of the month
    assert figures["Hộ đã khai báo"][1] == "2"  # Tổ 1 declared two households


def test_dates_and_places_are_written_the_official_way(world):
    assert vietnamese_date(date(2019, 8, 28)) == "ngày 28 tháng 8 năm 2019"
    assert vietnamese_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert place_name(world.commune) == "Cầu Khởi" and place_name(world.province) == "Tây Ninh"


def test_right_after_a_rollup_the_dashboard_and_the_report_of_the_month_show_the_same_figures(world, client):
    do_rollup(world.province)
    signed_in(client, world.officer)
    dashboard = client.get(f"/steering/u/{world.commune.code}/").content.decode()
    match = re.search(r'data-metric="groups.total">(\d+)<', dashboard)
    assert match is not None
    shown = match.group(1)
    _text, tables = docx_text(client.get(f"/steering/u/{world.commune.code}/report.docx", this_month()).content)
    figures = {row[0]: row[1:] for table in tables for row in table}
    assert figures["Nhóm"][1] == shown == "3"


def test_when_figures_change_after_the_rollup_each_document_says_which_moment_it_counts_to(world, client):
    do_rollup(world.province)
    check_create_group(world.officer, world.commune, name="Nhóm công nhân", kind=GroupKind.WORKFORCE)
    signed_in(client, world.officer)
    dashboard = client.get(f"/steering/u/{world.commune.code}/").content.decode()
    assert 'data-metric="groups.total">3<' in dashboard  # as of the rollup
    assert "Số liệu tính đến" in dashboard and 'data-testid="report-moment"' in dashboard
    text = pdf_text(client.get(f"/steering/u/{world.commune.code}/report.pdf", this_month()).content)
    assert "thời điểm lập báo cáo: kỳ báo cáo chưa kết thúc" in text
    assert re.search(r"Nhóm 0 4 4", text)  # the report counts the new group: it says it counts to now
