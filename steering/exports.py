"""The periodic report as XLSX (openpyxl) and PDF (fpdf2 with the vendored DejaVu Sans: Vietnamese
needs a Unicode font, and none can be assumed on a fresh server)."""

import logging
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import safe_row
from steering.periodic import PeriodicReport

FONTS = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font on every export and fontTools logs each step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def number(value, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:.1f}%".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def more_text(count: int) -> str:
    return ngettext("…and %(count)s more.", "…and %(count)s more.", count) % {"count": number(count)}


def header_lines(report: PeriodicReport) -> list[str]:
    return [
        _("Periodic report of the crime-prevention groups"),
        f"{report.unit.name} — {report.period.label}",
        _("From %(start)s to %(end)s")
        % {
            "start": date_format(report.period.start, "SHORT_DATE_FORMAT"),
            "end": date_format(report.period.end, "SHORT_DATE_FORMAT"),
        },
        _("Generated %(at)s") % {"at": date_format(timezone.localtime(report.generated_at), "SHORT_DATETIME_FORMAT")},
    ]


def to_xlsx(report: PeriodicReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    bold = Font(bold=True)
    for line in header_lines(report):
        sheet.append(safe_row([line]))
    sheet["A1"].font = Font(bold=True, size=14)
    for section in report.sections:
        sheet.append(safe_row([]))
        sheet.append(safe_row([section.title]))
        sheet.cell(sheet.max_row, 1).font = bold
        if section.note:
            sheet.append(safe_row([section.note]))
            continue
        sheet.append(safe_row([_("Figure"), _("Start of period"), _("End of period"), _("Change")]))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for figure in section.lines:
            sheet.append(safe_row([figure.label, figure.start, figure.end, figure.change]))
    sheet.column_dimensions["A"].width = 48
    for column in "BCD":
        sheet.column_dimensions[column].width = 16

    if report.children:
        units = book.create_sheet(_("Units")[:31])
        units.append(safe_row([_("Unit"), *report.child_columns]))
        for cell in units[1]:
            cell.font = bold
        for name, figures in report.children:
            units.append(safe_row([name, *[figure.value for figure in figures]]))
        units.column_dimensions["A"].width = 36

    directives = book.create_sheet(_("Directives")[:31])
    directives.append(safe_row([_("Directive"), _("Deadline"), _("Units"), _("Met"), _("Missing"), _("Overdue")]))
    for cell in directives[1]:
        cell.font = bold
    for title, deadline, tally in report.directives:
        directives.append(safe_row([title, deadline, tally.total, tally.met, tally.missing, tally.overdue]))
    directives.column_dimensions["A"].width = 48
    for listing in report.listings:
        listed = book.create_sheet(listing.title[:31])
        listed.append(safe_row([listing.title]))
        listed["A1"].font = Font(bold=True, size=12)
        listed.append(safe_row([listing.rule]))
        listed.append(safe_row(listing.columns))
        for cell in listed[listed.max_row]:
            cell.font = bold
        for row in listing.rows:
            listed.append(safe_row(row))
        if not listing.rows:
            listed.append(safe_row([_("None in this period.")]))
        if listing.more:
            listed.append(safe_row([more_text(listing.more)]))
        for column, width in zip("ABCDEFG", (16, 12, 36, 28, 18, 24, 44), strict=False):
            listed.column_dimensions[column].width = width
    output = BytesIO()
    book.save(output)
    return output.getvalue()


class _PDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 8, f"Cảnh Giác · {self.page_no()}", align="C")


def to_pdf(report: PeriodicReport) -> bytes:
    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{report.unit.name} — {report.period.label}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    title, subtitle, *rest = header_lines(report)
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9)
    for line in rest:
        pdf.multi_cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str) -> None:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 9)

    def table(head: list[str], rows: list[list[str]], widths: tuple[int, ...], *, figures: bool = True) -> None:
        align = ("LEFT", *["RIGHT" if figures else "LEFT"] * (len(head) - 1))
        with pdf.table(col_widths=widths, text_align=align, line_height=5.5) as t:
            row = t.row()
            for text in head:
                row.cell(text)
            for values in rows:
                row = t.row()
                for text in values:
                    row.cell(text)

    for section in report.sections:
        heading(section.title)
        if section.note:
            pdf.multi_cell(0, 5, section.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            continue
        table(
            [_("Figure"), _("Start of period"), _("End of period"), _("Change")],
            [
                [
                    line.label,
                    number(line.start, line.percent),
                    number(line.end, line.percent),
                    number(line.change, line.percent),
                ]
                for line in section.lines
            ],
            (46, 18, 18, 18),
        )
    for listing in report.listings:
        heading(listing.title)
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4.5, listing.rule, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        if listing.rows:
            table(listing.columns, listing.rows, (25, 18, 28, 24, 18, 18, 29), figures=False)
        else:
            pdf.multi_cell(0, 5, _("None in this period."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if listing.more:
            pdf.multi_cell(0, 5, more_text(listing.more), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 9)
    if report.children:
        heading(_("Units"))
        table(
            [_("Unit"), *report.child_columns],
            [[name, *[number(f.value, f.percent) for f in figures]] for name, figures in report.children],
            (40, *[14] * len(report.child_columns)),
        )
    heading(_("Directives"))
    if not report.directives:
        pdf.multi_cell(0, 5, _("No directive applies to this unit."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        table(
            [_("Directive"), _("Deadline"), _("Units"), _("Met"), _("Missing"), _("Overdue")],
            [
                [
                    title,
                    date_format(deadline, "SHORT_DATE_FORMAT"),
                    *map(number, (t.total, t.met, t.missing, t.overdue)),
                ]
                for title, deadline, t in report.directives
            ],
            (40, 16, 11, 11, 11, 11),
        )
    return bytes(pdf.output())
