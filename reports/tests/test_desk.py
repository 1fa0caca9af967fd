"""The officer's desk as the commune police meet it: the queue's filters, the case history in
words, coordinates as people read them, the receipt record's articles, who a case can go to."""

import io

from django.urls import reverse
from pypdf import PdfReader

from canhgiac.testing import create_report, signed_in
from reports.actions import check_assign, check_extend_decision, check_transition
from reports.forms import officers_for
from reports.pdf import legal_basis


def test_the_queue_filters_carry_labels_and_the_search_example_is_accented(world, client):
    page = signed_in(client, world.officer).get(reverse("reports:queue")).content.decode()
    for field, label in (
        ("q", "Tìm kiếm"),
        ("status", "Trạng thái"),
        ("due", "Thời hạn"),
        ("assignee", "Phân công cho"),
    ):
        assert f'<label for="id_{field}">{label}</label>' in page
    assert 'placeholder="Ví dụ: trộm chó, Phước Hội"' in page
    assert "<h1>Tiếp nhận tin báo</h1>" in page


def test_the_case_history_names_each_new_status_in_vietnamese(world, client):
    report = create_report(world.resident, world.rg, visibility="named").report
    check_transition(world.officer, report, "acknowledged")
    check_transition(world.officer, report, "verifying")
    check_assign(world.officer, report, assignee=world.officer)
    check_extend_decision(world.officer, report, "Cần xác minh thêm ở xã bên")

    signed_in(client, world.officer).get(reverse("reports:staff_detail", args=[report.receipt_code]))
    page = client.get(reverse("reports:staff_detail", args=[report.receipt_code]))  # the first view is in it
    history = page.content.decode().split('<ul class="timeline">')[1].split("</ul>")[0]

    assert "Tiếp nhận tin báo" in history
    assert "Chuyển trạng thái: Đã nhận → Đã thụ lý" in history
    assert "Chuyển trạng thái: Đã thụ lý → Đang xác minh" in history
    assert f"Phân công cho {world.officer.full_name}" in history
    assert "Gia hạn giải quyết đến" in history and "Cần xác minh thêm ở xã bên" in history
    assert "Xem danh tính người báo tin" in history
    assert "hiển thị trên trang hồ sơ của tin báo có danh tính" in history
    assert "report." not in history and "case page (named report)" not in history


def test_coordinates_read_as_degrees_north_and_east(world, client):
    report = create_report(world.resident, world.rg, latitude="11.290500", longitude="106.056200").report
    page = signed_in(client, world.officer).get(reverse("reports:staff_detail", args=[report.receipt_code]))
    text = page.content.decode()
    assert "11.2905° B, 106.0562° Đ" in text and "11,290500" not in text
    client.cookies.load({"django_language": "en"})
    english = client.get(reverse("reports:staff_detail", args=[report.receipt_code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "11.2905° N, 106.0562° E" in english.content.decode()


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_receipt_record_cites_article_145_for_forwarding_and_147_for_the_20_days(world, client):
    report = create_report(world.resident, world.rg, latitude="11.2905", longitude="106.0562").report
    text = " ".join(
        pdf_text(signed_in(client, world.officer).get(reverse("reports:receipt", args=[report.receipt_code]))).split()
    )
    assert "Căn cứ Điều 145 Bộ luật Tố tụng hình sự 2015" in text and "chuyển ngay" in text
    assert "khoản 1 Điều 147" in text and "20 ngày" in text
    assert "khoản 2 Điều 147" in text and "không quá 02 tháng" in text
    assert (
        "Điều 145 Bộ luật Tố tụng hình sự 2015: tin báo, tố giác về tội phạm được tiếp nhận, "
        "lập biên bản và chuyển ngay" in text
    )
    assert "11.2905° B, 106.0562° Đ" in text


def test_a_public_order_report_cites_no_criminal_procedure_deadline(world):
    report = create_report(world.resident, world.rg, kind="public_order", category="noise").report
    lines = legal_basis(report)
    assert lines and all("Điều 14" not in line for line in lines) and "10 ngày" in lines[0]


def test_the_assignee_list_offers_the_commune_police_not_the_province_officer(world, client):
    report = create_report(world.resident, world.rg).report
    assert world.officer in officers_for(report) and world.province_officer not in officers_for(report)
    page = signed_in(client, world.officer).get(reverse("reports:staff_detail", args=[report.receipt_code]))
    assert world.province_officer.full_name not in page.content.decode()
    response = client.post(
        reverse("reports:assign", args=[report.receipt_code]), {"assignee": world.province_officer.pk}
    )
    report.refresh_from_db()
    assert report.assignee is None, response
