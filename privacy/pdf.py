"""A person's data as a readable PDF in Vietnamese (the DejaVu Sans vendored once in reports/fonts,
Bitstream Vera licence, so diacritics render on any machine)."""

import logging
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports.pdf import FONTS

logging.getLogger("fontTools").setLevel(logging.WARNING)

SECTION_TITLES = {
    "profile": "Thông tin cá nhân",
    "consents": "Đồng ý xử lý dữ liệu",
    "mandates": "Nhiệm vụ được giao",
    "groups": "Nhóm tham gia",
    "channels": "Kênh nhận tin",
    "linked_chat_accounts": "Tài khoản Zalo/Telegram đã liên kết",
    "reports": "Tin báo đã gửi",
    "report_messages": "Tin nhắn trong tin báo",
    "group_posts": "Bài đăng trong nhóm",
    "messages_received": "Tin đã nhận",
    "what_i_did": "Hoạt động của tôi",
}


def _line(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _value(value: Any) -> str:
    if value is True:
        return "có"
    if value is False:
        return "không"
    if value in (None, ""):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def personal_data_pdf(data: dict[str, Any], name: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Dữ liệu cá nhân trên Cảnh Giác")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    _line(pdf, "DỮ LIỆU CÁ NHÂN TRÊN CẢNH GIÁC")
    pdf.set_font("DejaVu", "", 10)
    _line(pdf, f"{name or '—'} · xuất lúc {data['exported_at']}")
    for key, title in SECTION_TITLES.items():
        section = data.get(key)
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        _line(pdf, title)
        pdf.set_font("DejaVu", "", 9)
        if isinstance(section, dict) and "newest" in section:
            _line(pdf, f"Tổng số: {section['count']}")
            section = section["newest"]
        if isinstance(section, dict):
            for field, value in section.items():
                _line(pdf, f"{field}: {_value(value)}")
        elif not section:
            _line(pdf, "(không có)")
        else:
            for item in section:
                _line(pdf, " · ".join(f"{field}: {_value(value)}" for field, value in item.items()))
    return bytes(pdf.output())
