"""The periodic report as XLSX (openpyxl), and as an administrative document in the form of Decree
30/2020/NĐ-CP as PDF (fpdf2) and DOCX (python-docx, since offices edit in Word).

The PDF uses the vendored DejaVu Serif Condensed (the Decree asks for a Times New Roman-like Unicode
font; none can be assumed on a fresh server and Liberation Serif lacks Vietnamese); the DOCX names
Times New Roman, which Word has. Both lay out the same blocks (`document_blocks`)."""

import logging
from dataclasses import dataclass, field
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
from steering.metrics import Figure
from steering.periodic import MOTTO, NATIONAL_TITLE, Letterhead, PeriodicReport, default_letterhead

FONTS = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font on every export and fontTools logs each step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def number(value, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:.1f}%".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def figure_text(fig: Figure) -> str:
    if fig.value is None and fig.missing:
        return str(fig.missing)
    return number(fig.value, fig.percent)


def counted_to_text(report: PeriodicReport) -> str:
    """Which moment the figures count to, said plainly (the dashboard says its own)."""
    at = timezone.localtime(report.counted_to)
    moment = _("%(hour)02d:%(minute)02d on %(date)s") % {
        "hour": at.hour,
        "minute": at.minute,
        "date": at.strftime("%d/%m/%Y"),
    }
    if report.still_running:
        return _(
            "Figures count up to %(moment)s, when this report was made: the period has not ended, so they "
            "are those of that moment; the dashboard counts up to its own last computation."
        ) % {"moment": moment}
    return _("Figures count up to %(moment)s, the end of the period.") % {"moment": moment}


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
        counted_to_text(report),
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
            units.append(safe_row([name, *[figure_text(f) if f.value is None else f.value for f in figures]]))
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


ROMAN_NUMERALS = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(value: int) -> str:
    text = ""
    for amount, letters in ROMAN_NUMERALS:
        while value >= amount:
            text, value = text + letters, value - amount
    return text


@dataclass
class Block:
    """One piece of the document's body: a heading, a paragraph, or a table."""

    kind: str  # "heading", "text", "table"
    text: str = ""
    italic: bool = False
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: tuple[int, ...] = ()  # relative column widths
    figures: bool = True  # right-align every column but the first


def document_blocks(report: PeriodicReport) -> list[Block]:
    """The body of the report, in order, for both the PDF and the DOCX."""
    period = report.period
    blocks = [
        Block(
            "text",
            _("Period from %(start)s to %(end)s.")
            % {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")}
            + " "
            + counted_to_text(report),
            italic=True,
        )
    ]
    heading_number = 0

    def heading(title: str) -> None:
        nonlocal heading_number
        heading_number += 1
        blocks.append(Block("heading", f"{roman(heading_number)}. {title}"))

    for section in report.sections:
        heading(section.title)
        if section.note:
            blocks.append(Block("text", section.note))
            continue
        blocks.append(
            Block(
                "table",
                head=[_("Figure"), _("Start of period"), _("End of period"), _("Change")],
                rows=[
                    [line.label, *(number(value, line.percent) for value in (line.start, line.end, line.change))]
                    for line in section.lines
                ],
                widths=(46, 18, 18, 18),
            )
        )
    for listing in report.listings:
        heading(listing.title)
        blocks.append(Block("text", listing.rule, italic=True))
        if listing.rows:
            blocks.append(
                Block(
                    "table",
                    head=listing.columns,
                    rows=listing.rows,
                    widths=listing.widths or (28, 17, 27, 24, 18, 17, 29),
                    figures=False,
                )
            )
        else:
            blocks.append(Block("text", _("None in this period.")))
        if listing.more:
            blocks.append(Block("text", more_text(listing.more)))
    if report.children:
        heading(_("Units"))
        blocks.append(
            Block(
                "table",
                head=[_("Unit"), *report.child_columns],
                rows=[[name, *[figure_text(f) for f in figures]] for name, figures in report.children],
                widths=(40, *[14] * len(report.child_columns)),
            )
        )
    heading(_("Directives"))
    if not report.directives:
        blocks.append(Block("text", _("No directive applies to this unit.")))
    else:
        blocks.append(
            Block(
                "table",
                head=[_("Directive"), _("Deadline"), _("Units"), _("Met"), _("Missing"), _("Overdue")],
                rows=[
                    [
                        title,
                        date_format(deadline, "SHORT_DATE_FORMAT"),
                        *map(number, (t.total, t.met, t.missing, t.overdue)),
                    ]
                    for title, deadline, t in report.directives
                ],
                widths=(40, 16, 11, 11, 11, 11),
            )
        )
    return blocks


def letterhead_of(report: PeriodicReport) -> Letterhead:
    return report.letterhead or default_letterhead(report.unit)


def recipient_lines(letterhead: Letterhead) -> list[str]:
    """ "- X;" for each recipient, the last one closed with a full stop (Decree 30, appendix I)."""
    return [
        f"- {name}{'.' if index == len(letterhead.recipients) - 1 else ';'}"
        for index, name in enumerate(letterhead.recipients)
    ]


# A4 in millimetres, margins within the Decree's ranges (top/bottom 20-25, left 30-35, right 15-20).
LEFT, RIGHT, TOP, BOTTOM = 30, 15, 20, 20
TEXT_WIDTH = 210 - LEFT - RIGHT
HEAD_LEFT_WIDTH = 70  # the issuing body's column; the national title takes the rest


class _OfficialPDF(FPDF):
    def header(self):
        if self.page_no() > 1:  # page numbers from the second page, centred at the top
            self.set_font("Serif", size=12)
            self.set_y(8)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(TOP)


def to_pdf(report: PeriodicReport) -> bytes:
    letterhead = letterhead_of(report)
    pdf = _OfficialPDF(orientation="P", unit="mm", format="A4")
    for style, suffix in (("", ""), ("B", "-Bold"), ("I", "-Italic"), ("BI", "-BoldItalic")):
        pdf.add_font("Serif", style, str(FONTS / f"DejaVuSerifCondensed{suffix}.ttf"))
    pdf.set_title(f"{report.title} — {report.unit.name}")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM)
    pdf.add_page()

    def column(x: float, y: float, width: float, lines: list[tuple[str, str, float]], *, rule_after: int = -1) -> float:
        """Centred lines in a column from (x, y); a short rule under line `rule_after`; return the bottom."""
        pdf.set_xy(x, y)
        for index, (text, style, size) in enumerate(lines):
            pdf.set_font("Serif", style, size)
            pdf.set_x(x)
            pdf.multi_cell(width, size * 0.45, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if index == rule_after:
                rule = min(width * 0.6, pdf.get_string_width(text) + 4)
                pdf.line(x + (width - rule) / 2, pdf.get_y() + 1.2, x + (width + rule) / 2, pdf.get_y() + 1.2)
                pdf.set_y(pdf.get_y() + 2.5)
        return pdf.get_y()

    left_bottom = column(
        LEFT - 8,
        TOP,
        HEAD_LEFT_WIDTH + 8,
        [(letterhead.parent_body.upper(), "", 12), (letterhead.issuing_body.upper(), "B", 12)],
        rule_after=1,
    )
    right_bottom = column(
        LEFT + HEAD_LEFT_WIDTH,
        TOP,
        TEXT_WIDTH - HEAD_LEFT_WIDTH + 5,
        [(NATIONAL_TITLE, "B", 12), (MOTTO, "B", 13)],
        rule_after=1,
    )
    line_y = max(left_bottom, right_bottom) + 1
    column(LEFT - 8, line_y, HEAD_LEFT_WIDTH + 8, [(letterhead.number_line, "", 13)])
    column(LEFT + HEAD_LEFT_WIDTH, line_y, TEXT_WIDTH - HEAD_LEFT_WIDTH + 5, [(letterhead.place_date_line, "I", 13)])
    pdf.set_y(pdf.get_y() + 6)
    column(LEFT, pdf.get_y(), TEXT_WIDTH, [(_("REPORT"), "B", 14), (report.title, "B", 14)], rule_after=1)
    pdf.ln(3)

    for block in document_blocks(report):
        if block.kind == "heading":
            pdf.ln(3)
            pdf.set_font("Serif", "B", 13)
            pdf.multi_cell(0, 6.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "text":
            pdf.set_font("Serif", "I" if block.italic else "", 13)
            pdf.multi_cell(0, 6.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.set_font("Serif", "", 9)
            align = ("LEFT", *["RIGHT" if block.figures else "LEFT"] * (len(block.head) - 1))
            with pdf.table(col_widths=block.widths, text_align=align, line_height=5) as table:
                row = table.row()
                for text in block.head:
                    row.cell(text)
                for values in block.rows:
                    row = table.row()
                    for text in values:
                        row.cell(text)
        pdf.ln(1)

    # Recipients on the left, signature on the right, kept together on one page.
    recipients = recipient_lines(letterhead)
    if pdf.get_y() + max(45, 8 + 5 * len(recipients)) > 297 - BOTTOM:
        pdf.add_page()
    top = pdf.get_y() + 6
    pdf.set_xy(LEFT, top)
    pdf.set_font("Serif", "BI", 12)
    pdf.cell(80, 6, _("Recipients:"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", 11)
    for line in recipients:
        pdf.multi_cell(80, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    sign_x, sign_width = LEFT + 80, TEXT_WIDTH - 80
    bottom = column(
        sign_x, top, sign_width, [(letterhead.authority.upper(), "B", 13), (letterhead.signer_title.upper(), "B", 13)]
    )
    column(sign_x, bottom + 22, sign_width, [(letterhead.signer_name, "B", 13)])
    return bytes(pdf.output())


def to_docx(report: PeriodicReport) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    letterhead = letterhead_of(report)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)

    def write(cell_or_doc, text: str, *, size=13, bold=False, italic=False, center=False, underline=False):
        paragraph = cell_or_doc.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic, run.underline = Pt(size), bold, italic, underline
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return paragraph

    head = document.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(HEAD_LEFT_WIDTH + 8), Mm(TEXT_WIDTH - HEAD_LEFT_WIDTH + 5))
    for row in head.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].text = ""
    left, right = head.cell(0, 0), head.cell(0, 1)
    left.paragraphs[0].add_run(letterhead.parent_body.upper()).font.size = Pt(12)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(left, letterhead.issuing_body.upper(), size=12, bold=True, center=True, underline=True)
    run = right.paragraphs[0].add_run(NATIONAL_TITLE)
    run.bold, run.font.size = True, Pt(12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(right, MOTTO, size=13, bold=True, center=True, underline=True)
    head.cell(1, 0).paragraphs[0].add_run(letterhead.number_line).font.size = Pt(13)
    head.cell(1, 0).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.cell(1, 1).paragraphs[0].add_run(letterhead.place_date_line)
    run.italic, run.font.size = True, Pt(13)
    head.cell(1, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    write(document, "")
    write(document, _("REPORT"), size=14, bold=True, center=True)
    write(document, report.title, size=14, bold=True, center=True)
    write(document, "")
    for block in document_blocks(report):
        if block.kind == "heading":
            paragraph = write(document, block.text, bold=True)
            paragraph.paragraph_format.space_before = Pt(6)
        elif block.kind == "text":
            paragraph = write(document, block.text, italic=block.italic)
            paragraph.paragraph_format.first_line_indent = Mm(10)
        else:
            table = document.add_table(rows=1, cols=len(block.head))
            table.style = "Table Grid"
            total = sum(block.widths)
            for cell, text, share in zip(table.rows[0].cells, block.head, block.widths, strict=True):
                cell.width = Mm(TEXT_WIDTH * share / total)
                run = cell.paragraphs[0].add_run(text)
                run.bold, run.font.size = True, Pt(11)
            for values in block.rows:
                cells = table.add_row().cells
                for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
                    run = cell.paragraphs[0].add_run(text)
                    run.font.size = Pt(11)
                    if block.figures and index:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    write(document, "")
    foot = document.add_table(rows=1, cols=2)
    recipients, signature = foot.cell(0, 0), foot.cell(0, 1)
    recipients.width, signature.width = Mm(80), Mm(TEXT_WIDTH - 80)
    run = recipients.paragraphs[0].add_run(_("Recipients:"))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in recipient_lines(letterhead):
        write(recipients, line, size=11)
    run = signature.paragraphs[0].add_run(letterhead.authority.upper())
    run.bold = True
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(signature, letterhead.signer_title.upper(), bold=True, center=True)
    for _blank in range(4):
        write(signature, "")
    write(signature, letterhead.signer_name, bold=True, center=True)
    output = BytesIO()
    document.save(output)
    return output.getvalue()
