"""The receipt record (biên bản tiếp nhận) of a report, as a PDF in Vietnamese.

Uses the DejaVu Sans font vendored in reports/fonts (Bitstream Vera licence, see
LICENSE-DejaVu.txt) so Vietnamese diacritics render on any machine.
"""

import logging
from pathlib import Path

from django.utils import timezone, translation
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports.categories import Kind
from reports.models import Report, Visibility
from reports.workflow import deadline_rule

FONTS = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font with fontTools, which logs every step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else "—"


def _coordinates(latitude: float, longitude: float) -> str:
    return (
        f"{abs(latitude):.4f}° {'B' if latitude >= 0 else 'N'}, {abs(longitude):.4f}° {'Đ' if longitude >= 0 else 'T'}"
    )


def legal_basis(report: Report) -> list[str]:
    """The article behind each deadline on the record (Bộ luật Tố tụng hình sự 2015):
    art. 145 — commune police receive a crime report, record it and forward it at once to the
    competent investigation agency; art. 147(1) — it is settled within 20 days of receipt;
    art. 147(2) — extendable, at most 2 months. Reports outside criminal procedure (public order,
    lost & found) follow the unit's own handling time, and the record says so."""
    rule = deadline_rule(report.kind)
    if report.kind not in (Kind.CRIME, Kind.SUSPICIOUS):
        if rule.decision_days:
            return [
                f"Thời hạn xử lý {rule.decision_days} ngày là thời hạn nội bộ của đơn vị tiếp nhận, "
                "không phải thời hạn theo Bộ luật Tố tụng hình sự."
            ]
        return []
    lines = [
        "Căn cứ Điều 145 Bộ luật Tố tụng hình sự 2015: tin báo, tố giác về tội phạm được tiếp nhận, "
        "lập biên bản và chuyển ngay đến Cơ quan điều tra có thẩm quyền"
        + (f" (hạn chuyển: {_when(report.forward_due_at)})." if report.forward_due_at else ".")
    ]
    if rule.decision_days:
        lines.append(
            f"Căn cứ khoản 1 Điều 147 Bộ luật Tố tụng hình sự 2015: thời hạn giải quyết là {rule.decision_days} ngày "
            "kể từ ngày nhận được tin báo, tố giác"
            + (f" (hạn: {_when(report.decision_due_at)})." if report.decision_due_at else ".")
        )
    if rule.extended_months:
        lines.append(
            "Căn cứ khoản 2 Điều 147 Bộ luật Tố tụng hình sự 2015: vụ việc phức tạp có thể kéo dài thời hạn "
            f"giải quyết nhưng không quá {rule.extended_months:02d} tháng."
        )
    lines.append("Danh tính người tố giác được giữ bí mật.")
    return lines


def _title(report: Report) -> str:
    if report.kind in (Kind.CRIME, Kind.SUSPICIOUS):
        return "BIÊN BẢN TIẾP NHẬN TIN BÁO, TỐ GIÁC VỀ TỘI PHẠM"
    if report.kind in (Kind.LOST, Kind.FOUND):
        return "PHIẾU TIẾP NHẬN TIN BÁO MẤT, NHẶT ĐƯỢC TÀI SẢN"
    return "PHIẾU TIẾP NHẬN PHẢN ÁNH VỀ AN NINH, TRẬT TỰ"


def receipt_pdf(report: Report, identity) -> bytes:
    """`identity` is given only to those allowed to see it (the reporter, the handling police)."""
    with translation.override("vi"):
        pdf = FPDF(format="A4")
        pdf.set_margins(20, 18, 20)
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_title(f"Biên bản tiếp nhận {report.receipt_code}")
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 7, _title(report), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, f"Mã tiếp nhận: {report.receipt_code}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
        unit_names = ", ".join(u.name for u in reversed(list(report.unit.ancestors())))
        if identity is not None:
            who = identity.name or "—"
            if identity.phone:
                who += f" · điện thoại {identity.phone}"
            if identity.contact:
                who += f" · {identity.contact}"
        elif report.visibility == Visibility.ANONYMOUS:
            who = "Người báo tin ẩn danh (không lưu danh tính)"
        else:
            who = "Được giữ bí mật theo Luật Tố cáo 2018"
        commune = report.unit if report.unit.tier == 2 else report.unit.commune()
        rows = [
            ("Đơn vị tiếp nhận", f"Công an {commune.name}" if commune else "—"),
            ("Thời điểm tiếp nhận", _when(report.received_at)),
            ("Hình thức", report.get_intake_channel_display()),
            ("Loại tin", f"{Kind(report.kind).label} — {report.category_name}"),
            ("Nơi xảy ra", unit_names + (f" ({report.place_text})" if report.place_text else "")),
            ("Thời điểm xảy ra", _when(report.occurred_at)),
            ("Người báo tin", who),
            ("Nội dung", report.description),
        ]
        if report.behaviour:
            rows.append(("Hành vi, hoàn cảnh", report.behaviour))
        if report.latitude is not None and report.longitude is not None:
            rows.append(("Tọa độ", _coordinates(float(report.latitude), float(report.longitude))))
        rows.append(("Số ảnh kèm theo", str(report.photos.count())))
        if report.forward_due_at:
            rows.append(("Hạn chuyển CQĐT", _when(report.forward_due_at)))
        if report.decision_due_at:
            rows.append(("Hạn giải quyết", _when(report.decision_due_at)))
        rows.append(("Trạng thái hiện tại", report.get_status_display()))
        if report.returned_at:
            rows.append(("Đã trả lại", f"{report.returned_to or '—'}, {_when(report.returned_at)}"))
        for label, value in rows:
            pdf.set_font("DejaVu", "B", 10)
            pdf.cell(48, 6, f"{label}:")
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 6, value or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        pdf.set_font("DejaVu", "", 9)
        for line in legal_basis(report):
            pdf.multi_cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(8)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(85, 6, "NGƯỜI BÁO TIN", align="C")
        pdf.cell(0, 6, "NGƯỜI TIẾP NHẬN", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 30, f"In lúc {_when(timezone.now())} từ hệ thống Cảnh Giác", align="R")
        return bytes(pdf.output())
