"""OSHA Forms 300, 300A and 301 laid out with reportlab. No Django here.

Each builder takes the plain records of `incidents.osha.records` and returns PDF bytes. The
layouts follow the official forms' order of columns and boxes (OSHA Forms 300, 300A and 301,
Rev. 04/2004; Cal/OSHA's equivalents have the same fields), drawn plainly so they print legibly
on an office printer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, time
from typing import NamedTuple

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import landscape, legal, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer, Table, TableStyle

from incidents.osha.records import (
    CASE_TYPE_LABELS,
    CaseReport,
    CaseType,
    LogRow,
    Outcome,
    Summary,
)
from riskcabinet import fonts

INK = colors.HexColor("#1F2A3C")
MUTED = colors.HexColor("#5B6472")
RULE = colors.HexColor("#9AA3B0")
HEADER_FILL = colors.HexColor("#E4E9F0")
PANEL = colors.HexColor("#F3F5F8")
ZEBRA = colors.HexColor("#F8F9FB")

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
CHECK = "X"
# A case row is at least ROW_HEIGHT points tall, and grows to show all of its text; a page of the
# log has room for ROWS_PER_PAGE rows of the least height, and for fewer when rows are taller.
ROWS_PER_PAGE = 11
ROW_HEIGHT = 30
_ROWS_SPACE = ROWS_PER_PAGE * ROW_HEIGHT
_CELL_PADDING = 3  # left and right, and (below) 2.5 above and below

_CELL = ParagraphStyle("cell", fontName=REGULAR, fontSize=7.2, leading=8.6, textColor=INK)
_CELL_CENTER = ParagraphStyle("cell-center", parent=_CELL, alignment=TA_CENTER)
_HEAD = ParagraphStyle(
    "head", fontName=BOLD, fontSize=6.6, leading=7.8, textColor=INK, alignment=TA_CENTER
)
_BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=8.5, leading=10.5, textColor=INK)
_SMALL = ParagraphStyle("small", fontName=REGULAR, fontSize=7, leading=8.6, textColor=MUTED)
_LABEL = ParagraphStyle("label", fontName=BOLD, fontSize=8, leading=9.5, textColor=INK)
_ANSWER = ParagraphStyle("answer", fontName=REGULAR, fontSize=9, leading=11.5, textColor=INK)
_TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=12, leading=15, textColor=INK)
# The characters of an answer that fit its box on the form; a longer one continues after it.
_NARRATIVE_ROOM = 700


WARNING_INK = colors.HexColor("#8A3B12")
NOTES_POINTER = (
    "Notes for the recordkeeper follow this form, on a page of their own (not to be posted)."
)


def _markup(text: str) -> str:
    """Text escaped for a Paragraph. Helvetica has only the Windows-1252 letters: a name such as
    "Nguyễn Thị Đào" or "王小明" (column B of the log, the 301) is set in DejaVu Sans or the
    Chinese, Japanese and Korean font where it needs them, and printed with "?" in their place on
    a machine without that font."""
    return fonts.markup(text, fonts.unicode_fonts())


def _p(text: str, style: ParagraphStyle = _CELL) -> Paragraph:
    return Paragraph(_markup(text or ""), style)


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _fmt_date(value: date | None) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year}" if value else ""


def _fmt_time(value: time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def _number(value: int) -> str:
    return f"{value:,}"


def _footer(canvas: Canvas, width: float, text: str) -> None:
    canvas.setFillColor(MUTED)
    fonts.draw_string(canvas, 0.4 * inch, 0.3 * inch, text, REGULAR, 6.5)
    canvas.drawRightString(width - 0.4 * inch, 0.3 * inch, f"Page {canvas.getPageNumber()}")


# --- Form 300 -----------------------------------------------------------------------------------

# Column widths in points for A-F, G-J, K-L and the six M columns (legal, landscape).
_LOG_WIDTHS = [74, 90, 76, 48, 94, 162, 30, 36, 44, 44, 36, 36] + [30] * 6


class _UpLabel(Flowable):
    """A column title set bottom to top, as the narrow type columns of the paper log are."""

    def __init__(self, text: str, size: float = 6.3) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.width = size + 2
        self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, stringWidth(self.text, BOLD, self.size)

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(BOLD, self.size)
        canvas.setFillColor(INK)
        canvas.rotate(90)
        canvas.drawString(0, -self.size, self.text)
        canvas.restoreState()


def _log_header_rows() -> list[list]:
    groups = [
        _p("Identify the person", _HEAD),
        "",
        "",
        _p("Describe the case", _HEAD),
        "",
        "",
        _p("Classify the case: check ONE box for the most serious outcome", _HEAD),
        "",
        "",
        "",
        _p("Enter the number of days", _HEAD),
        "",
        _p("Check the injury column or choose one type of illness (M)", _HEAD),
        "",
        "",
        "",
        "",
        "",
    ]
    titles = [
        "(A) Case no.",
        "(B) Employee's name",
        "(C) Job title",
        "(D) Date of injury or onset of illness",
        "(E) Where the event occurred",
        "(F) Describe injury or illness, parts of body affected, and object/substance that "
        "directly injured or made person ill",
        "(G) Death",
        "(H) Days away from work",
        "(I) Job transfer or restriction",
        "(J) Other recordable cases",
        "(K) Away from work (days)",
        "(L) On job transfer or restriction (days)",
    ]
    type_titles = [
        _UpLabel(f"({n}) {CASE_TYPE_LABELS[kind]}") for n, kind in enumerate(CaseType, start=1)
    ]
    return [groups, [_p(title, _HEAD) for title in titles] + type_titles]


def _log_row_cells(row: LogRow) -> list:
    """A case's cells. The text is given whole; only a pathological length is cut, so that one
    row always fits on a page (the CSV export has every character)."""
    outcome_marks = [CHECK if row.outcome == outcome else "" for outcome in Outcome]
    type_marks = [CHECK if row.case_type == kind else "" for kind in CaseType]
    return [
        _p(row.case_number),
        _p(_clip(row.employee_name, 120)),
        _p(_clip(row.job_title, 120)),
        _p(_fmt_date(row.date_of_injury), _CELL_CENTER),
        _p(_clip(row.where_occurred, 240)),
        _p(_clip(row.description, 500)),
        *outcome_marks,
        _number(row.days_away) if row.days_away else "",
        _number(row.days_restricted) if row.days_restricted else "",
        *type_marks,
    ]


def _log_totals(rows: Sequence[LogRow], label: str) -> list:
    outcome_counts = [sum(1 for r in rows if r.outcome == outcome) for outcome in Outcome]
    type_counts = [sum(1 for r in rows if r.case_type == kind) for kind in CaseType]
    return [
        _p(label, ParagraphStyle("total", parent=_CELL, fontName=BOLD, alignment=2)),
        "",
        "",
        "",
        "",
        "",
        *[_number(n) for n in outcome_counts],
        _number(sum(r.days_away for r in rows)),
        _number(sum(r.days_restricted for r in rows)),
        *[_number(n) for n in type_counts],
    ]


def _row_height(cells: list) -> float:
    """The height a row of cells needs: the tallest wrapped paragraph, at least ROW_HEIGHT."""
    needed = max(
        cell.wrap(width - 2 * _CELL_PADDING, _ROWS_SPACE)[1]
        for cell, width in zip(cells, _LOG_WIDTHS, strict=False)
        if isinstance(cell, Paragraph)
    )
    return max(ROW_HEIGHT, math.ceil(needed + 5))


class _LaidRow(NamedTuple):
    row: LogRow
    cells: list
    height: float


def _log_pages(rows: Sequence[LogRow]) -> list[list[_LaidRow]]:
    """The rows with their cells and heights, page by page: as many as fit in a page's room."""
    pages: list[list[_LaidRow]] = [[]]
    used = 0.0
    for row in rows:
        cells = _log_row_cells(row)
        height = _row_height(cells)
        if pages[-1] and used + height > _ROWS_SPACE:
            pages.append([])
            used = 0.0
        pages[-1].append(_LaidRow(row, cells, height))
        used += height
    return pages


def _log_table(rows: Sequence[_LaidRow], totals: list[list]) -> Table:
    data = _log_header_rows() + [laid.cells for laid in rows] + totals
    first_total = 2 + len(rows)
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.2),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, INK),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, 2), (5, -1), "TOP"),
        ("ALIGN", (12, 1), (17, 1), "CENTER"),
        ("VALIGN", (12, 1), (17, 1), "BOTTOM"),
        ("ALIGN", (6, 2), (-1, -1), "CENTER"),
        ("SPAN", (0, 0), (2, 0)),
        ("SPAN", (3, 0), (5, 0)),
        ("SPAN", (6, 0), (9, 0)),
        ("SPAN", (10, 0), (11, 0)),
        ("SPAN", (12, 0), (17, 0)),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("LINEABOVE", (0, first_total), (-1, first_total), 0.9, INK),
        ("FONT", (6, first_total), (-1, -1), BOLD, 7.5),
        ("SPAN", (0, first_total), (5, first_total)),
    ]
    if len(totals) > 1:
        style.append(("SPAN", (0, first_total + 1), (5, first_total + 1)))
        style.append(("BACKGROUND", (0, first_total + 1), (-1, first_total + 1), PANEL))
    for index in range(len(rows)):
        if index % 2:
            style.append(("BACKGROUND", (0, 2 + index), (-1, 2 + index), ZEBRA))
    heights = [24, 84] + [laid.height for laid in rows] + [16] * len(totals)
    table = Table(data, colWidths=_LOG_WIDTHS, rowHeights=heights, repeatRows=0)
    table.setStyle(TableStyle(style))
    return table


def form_300_pdf(
    *,
    establishment_name: str,
    city: str,
    state: str,
    year: int,
    rows: Sequence[LogRow],
    warnings: Sequence[str] = (),
) -> bytes:
    """The 300 log: up to eleven cases a page (fewer when their text needs taller rows), each
    page with its totals; the last page also carries the year's totals, which must match the
    300A."""
    buffer = io.BytesIO()
    width, height = landscape(legal)
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1, invariant=1)
    canvas.setTitle(f"OSHA Form 300 {year} {establishment_name}")
    canvas.setAuthor("riskcabinet")
    pages = _log_pages(rows)
    for number, page in enumerate(pages, start=1):
        page_rows = [laid.row for laid in page]
        _log_page_header(canvas, width, height, establishment_name, city, state, year)
        totals = [_log_totals(page_rows, "Page totals")]
        if number == len(pages) and len(pages) > 1:
            totals.append(_log_totals(rows, f"Totals for {year}"))
        table = _log_table(page, totals)
        _, table_height = table.wrapOn(canvas, width, height)
        top = height - 1.28 * inch
        table.drawOn(canvas, 0.4 * inch, top - table_height)
        note_y = top - table_height - 0.22 * inch
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            0.4 * inch,
            note_y,
            "Be sure to transfer these totals to the Summary page (Form 300A) before you post "
            "it. Day counts stop at 180 per case (days away first).",
        )
        if number == len(pages) and warnings:
            canvas.setFillColor(WARNING_INK)
            canvas.drawString(0.4 * inch, note_y - 11, NOTES_POINTER)
        _footer(
            canvas,
            width,
            f"OSHA's Form 300 · {establishment_name} · {year} · page {number} of {len(pages)}",
        )
        canvas.showPage()
    if warnings:
        _notes_for_the_recordkeeper(
            canvas, (width, height), warnings, f"OSHA's Form 300 · {establishment_name} · {year}"
        )
    canvas.save()
    return buffer.getvalue()


def _log_page_header(
    canvas: Canvas, width: float, height: float, name: str, city: str, state: str, year: int
) -> None:
    left = 0.4 * inch
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 8)
    canvas.drawString(left, height - 0.45 * inch, "OSHA's Form 300")
    canvas.setFont(BOLD, 15)
    canvas.drawString(left, height - 0.7 * inch, "Log of Work-Related Injuries and Illnesses")
    canvas.setFont(REGULAR, 7)
    canvas.setFillColor(MUTED)
    canvas.drawString(
        left,
        height - 0.88 * inch,
        "Attention: this form contains information relating to employee health and must be used "
        "in a manner that protects the confidentiality of employees to the extent possible.",
    )
    canvas.drawString(
        left,
        height - 1.0 * inch,
        "Record each recordable work-related injury and illness within 7 calendar days. "
        "Privacy cases are entered as \u201cPrivacy case\u201d in column B.",
    )
    # The establishment box on the right, as on the official form.
    box_w, box_h = 4.3 * inch, 0.72 * inch
    x, y = width - 0.4 * inch - box_w, height - 1.12 * inch
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, box_w, box_h)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 13)
    canvas.drawRightString(x + box_w - 8, y + box_h - 17, f"Year {year}")
    canvas.setFont(REGULAR, 7)
    canvas.setFillColor(MUTED)
    canvas.drawString(x + 8, y + box_h - 14, "Establishment name")
    canvas.drawString(x + 8, y + 12, "City")
    canvas.drawString(x + box_w - 70, y + 12, "State")
    canvas.setFillColor(INK)
    name = fonts.clip_to_width(_clip(name, 62), BOLD, 9.5, box_w - 16)
    fonts.draw_string(canvas, x + 8, y + box_h - 27, name, BOLD, 9.5)
    city = fonts.clip_to_width(_clip(city, 40), REGULAR, 9, box_w - 70 - 28 - 6)
    fonts.draw_string(canvas, x + 28, y + 12, city, REGULAR, 9)
    canvas.drawString(x + box_w - 45, y + 12, state)


# --- Form 300A ----------------------------------------------------------------------------------


def form_300a_pdf(summary: Summary) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(letter)
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1, invariant=1)
    info = summary.establishment
    canvas.setTitle(f"OSHA Form 300A {summary.year} {info.name}")
    canvas.setAuthor("riskcabinet")
    left, top = 0.5 * inch, height - 0.5 * inch

    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 8)
    canvas.drawString(left, top, "OSHA's Form 300A")
    canvas.setFont(BOLD, 15)
    canvas.drawString(left, top - 20, "Summary of Work-Related Injuries and Illnesses")
    canvas.setFont(BOLD, 13)
    canvas.drawRightString(width - left, top - 20, f"Year {summary.year}")
    canvas.setFont(REGULAR, 7.5)
    canvas.setFillColor(MUTED)
    intro = (
        "All establishments covered by Part 1904 must complete this Summary page, even if no "
        "work-related injuries or illnesses occurred during the year. Remember to review the Log "
        "to verify that the entries are complete and accurate before completing this summary. "
        "Post this Summary page from February 1 to April 30 of the year following the year "
        "covered by the form."
    )
    para = Paragraph(_markup(intro), _SMALL)
    _, para_h = para.wrapOn(canvas, width - 2 * left, 40)
    para.drawOn(canvas, left, top - 30 - para_h)

    # Left half: the totals.
    col_w = 4.7 * inch
    y = top - 0.95 * inch
    y = _section_title(canvas, left, y, "Number of cases", col_w)
    case_boxes = [
        ("Total number of deaths", "(G)", summary.deaths),
        ("Total number of cases with days away from work", "(H)", summary.days_away_cases),
        (
            "Total number of cases with job transfer or restriction",
            "(I)",
            summary.transfer_restriction_cases,
        ),
        ("Total number of other recordable cases", "(J)", summary.other_recordable_cases),
    ]
    y = _number_boxes(canvas, left, y, col_w, case_boxes)
    y = _section_title(canvas, left, y - 10, "Number of days", col_w)
    day_boxes = [
        ("Total number of days away from work", "(K)", summary.days_away),
        ("Total number of days of job transfer or restriction", "(L)", summary.days_restricted),
    ]
    y = _number_boxes(canvas, left, y, col_w, day_boxes)
    y = _section_title(canvas, left, y - 10, "Injury and illness types", col_w)
    type_rows = [
        (f"({n}) {CASE_TYPE_LABELS[kind]}", "(M)", summary.by_type[kind])
        for n, kind in enumerate(CaseType, start=1)
    ]
    y = _type_list(canvas, left, y, col_w, type_rows)

    # Right half: establishment, employment, certification.
    right = left + col_w + 0.45 * inch
    right_w = width - left - right
    ry = top - 0.95 * inch
    ry = _section_title(canvas, right, ry, "Establishment information", right_w)
    fields = [
        ("Your establishment name", info.name),
        ("Street", info.street_address),
        ("City / State / ZIP", f"{info.city}, {info.state} {info.zip_code}".strip(", ")),
        ("Industry description", info.industry_description),
        ("North American Industrial Classification (NAICS)", info.naics_code),
    ]
    ry = _field_lines(canvas, right, ry, right_w, fields)
    ry = _section_title(canvas, right, ry - 6, "Employment information", right_w)
    ry = _field_lines(
        canvas,
        right,
        ry,
        right_w,
        [
            ("Annual average number of employees", _number(summary.annual_average_employees)),
            ("Total hours worked by all employees last year", _number(summary.total_hours_worked)),
        ],
    )
    if summary.exposure_note:
        note = Paragraph(_markup(summary.exposure_note), _SMALL)
        _, note_h = note.wrapOn(canvas, right_w, 40)
        note.drawOn(canvas, right, ry - note_h)
        ry -= note_h + 4
    ry = _section_title(canvas, right, ry - 6, "Sign here", right_w)
    cert = Paragraph(
        "<b>Knowingly falsifying this document may result in a fine.</b> I certify that I have "
        "examined this document and that to the best of my knowledge the entries are true, "
        "accurate, and complete.",
        _SMALL,
    )
    _, cert_h = cert.wrapOn(canvas, right_w, 60)
    cert.drawOn(canvas, right, ry - cert_h)
    ry -= cert_h + 22
    for label_left, label_right in (("Company executive", "Title"), ("Phone", "Date")):
        half = right_w / 2
        for offset, label in ((0, label_left), (half + 8, label_right)):
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.6)
            canvas.line(right + offset, ry, right + offset + half - 8, ry)
            canvas.setFont(REGULAR, 7)
            canvas.setFillColor(MUTED)
            canvas.drawString(right + offset, ry - 9, label)
        ry -= 30

    if summary.warnings:
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(WARNING_INK)
        canvas.drawString(left, min(y, ry) - 6, NOTES_POINTER)
    footer = f"OSHA's Form 300A · {info.name} · {summary.year}"
    _footer(canvas, width, footer)
    canvas.showPage()
    if summary.warnings:
        _notes_for_the_recordkeeper(canvas, (width, height), summary.warnings, footer)
    canvas.save()
    return buffer.getvalue()


def _section_title(canvas: Canvas, x: float, y: float, title: str, width: float) -> float:
    canvas.setFillColor(HEADER_FILL)
    canvas.rect(x, y - 15, width, 15, stroke=0, fill=1)
    canvas.setFillColor(INK)
    size = 9.0
    while size > 6.5 and stringWidth(title, BOLD, size) > width - 10:
        size -= 0.25
    canvas.setFont(BOLD, size)
    canvas.drawString(x + 5, y - 11, title)
    return y - 22


def _number_boxes(canvas: Canvas, x: float, y: float, width: float, boxes) -> float:
    box_w = (width - 8 * (len(boxes) - 1)) / len(boxes)
    for index, (label, column, value) in enumerate(boxes):
        bx = x + index * (box_w + 8)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.8)
        canvas.rect(bx, y - 30, box_w, 30)
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 15)
        canvas.drawCentredString(bx + box_w / 2, y - 21, _number(value))
        canvas.setFont(BOLD, 7)
        canvas.drawCentredString(bx + box_w / 2, y - 40, column)
        para = Paragraph(_markup(label), ParagraphStyle("box", parent=_SMALL, alignment=TA_CENTER))
        _, para_h = para.wrapOn(canvas, box_w, 40)
        para.drawOn(canvas, bx, y - 44 - para_h)
    return y - 72


def _type_list(canvas: Canvas, x: float, y: float, width: float, rows) -> float:
    half = (len(rows) + 1) // 2
    col_w = width / 2
    for index, (label, _letter, value) in enumerate(rows):
        cx = x + (index // half) * col_w
        cy = y - (index % half) * 20
        canvas.setFillColor(INK)
        canvas.setFont(REGULAR, 8.5)
        canvas.drawString(cx + 4, cy - 12, label)
        canvas.setStrokeColor(INK)
        canvas.rect(cx + col_w - 56, cy - 16, 44, 16)
        canvas.setFont(BOLD, 10)
        canvas.drawCentredString(cx + col_w - 34, cy - 12, _number(value))
    return y - half * 20 - 4


def _field_lines(canvas: Canvas, x: float, y: float, width: float, fields) -> float:
    for label, value in fields:
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(x, y - 8, label)
        canvas.setFillColor(INK)
        value = fonts.clip_to_width(_clip(value, 80), REGULAR, 9.5, width)
        fonts.draw_string(canvas, x, y - 20, value, REGULAR, 9.5)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(x, y - 23, x + width, y - 23)
        y -= 28
    return y


# --- Form 301 -----------------------------------------------------------------------------------


def form_301_pdf(report: CaseReport) -> bytes:
    buffer = io.BytesIO()
    width, height = letter
    canvas = Canvas(buffer, pagesize=letter, pageCompression=1, invariant=1)
    canvas.setTitle(f"OSHA Form 301 {report.case_number}")
    canvas.setAuthor("riskcabinet")
    left, top = 0.5 * inch, height - 0.5 * inch
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 8)
    canvas.drawString(left, top, "OSHA's Form 301")
    canvas.setFont(BOLD, 15)
    title = "Injury and Illness Incident Report"
    canvas.drawString(left, top - 20, title)
    canvas.setFillColor(MUTED)
    # Right-aligned, clear of the form's name and of the title beside the address.
    name = fonts.clip_to_width(report.establishment.name, REGULAR, 8, width - 2 * left - 120)
    fonts.draw_right_string(canvas, width - left, top, name, REGULAR, 8)
    address = fonts.clip_to_width(
        f"{report.establishment.street_address}, {report.establishment.city}, "
        f"{report.establishment.state} {report.establishment.zip_code}",
        REGULAR,
        8,
        width - 2 * left - stringWidth(title, BOLD, 15) - 12,
    )
    fonts.draw_right_string(canvas, width - left, top - 11, address, REGULAR, 8)
    canvas.setFont(REGULAR, 7)
    canvas.drawString(
        left,
        top - 34,
        "Attention: this form contains information relating to employee health and must be used "
        "in a manner that protects the confidentiality of employees to the extent possible.",
    )

    col_w = (width - 2 * left - 0.3 * inch) / 2
    y = top - 0.72 * inch
    y = _section_title(canvas, left, y, "Information about the employee", col_w)
    employee = [
        ("1) Full name", report.employee_name),
        ("2) Street", report.employee_street),
        ("   City, State, ZIP", ""),
        ("3) Date of birth", _fmt_date(report.date_of_birth)),
        ("4) Date hired", _fmt_date(report.date_of_hire)),
        ("5) Sex", {"M": "Male", "F": "Female"}.get(report.sex, report.sex)),
        ("   Job title", report.job_title),
    ]
    y = _field_lines(canvas, left, y, col_w, employee)
    y = _section_title(
        canvas, left, y - 8, "Information about the physician or health care professional", col_w
    )
    clinician = [
        ("6) Name of physician or other health care professional", report.physician_name),
        (
            "7) If treatment was given away from the worksite, where was it given?",
            report.treatment_facility,
        ),
        ("8) Was employee treated in an emergency room?", _yes_no_text(report.treated_in_er)),
        (
            "9) Was employee hospitalized overnight as an in-patient?",
            _yes_no_text(report.hospitalized_overnight),
        ),
    ]
    y = _field_lines(canvas, left, y, col_w, clinician)
    y = _section_title(canvas, left, y - 8, "Completed by", col_w)
    y = _field_lines(
        canvas,
        left,
        y,
        col_w,
        [
            ("Name", report.completed_by),
            ("Title", report.completed_by_title),
            ("Phone", ""),
            ("Date", _fmt_date(report.completed_on)),
        ],
    )

    right = left + col_w + 0.3 * inch
    ry = top - 0.72 * inch
    ry = _section_title(canvas, right, ry, "Information about the case", col_w)
    time_text = _fmt_time(report.time_of_event) or "Time cannot be determined"
    ry = _field_lines(
        canvas,
        right,
        ry,
        col_w,
        [
            ("10) Case number from the Log", report.case_number),
            ("11) Date of injury or illness", _fmt_date(report.date_of_injury)),
            ("12) Time employee began work", _fmt_time(report.time_began_work)),
            ("13) Time of event", time_text),
        ],
    )
    narratives = [
        (
            "14) What was the employee doing just before the incident occurred?",
            report.before_incident,
        ),
        ("15) What happened? Tell us how the injury occurred.", report.what_happened),
        (
            "16) What was the injury or illness? Tell us the part of the body that was affected "
            "and how it was affected.",
            report.injury_illness,
        ),
        (
            "17) What object or substance directly harmed the employee?",
            report.object_substance,
        ),
        (
            "18) If the employee died, when did death occur? Date of death",
            _fmt_date(report.date_of_death),
        ),
    ]
    continued = []
    for label, answer in narratives:
        ry = _narrative(canvas, right, ry, col_w, label, answer)
        if len(" ".join((answer or "").split())) > _NARRATIVE_ROOM:
            continued.append((label, answer))
    footer = f"OSHA's Form 301 · case {report.case_number} · {report.establishment.name}"
    _footer(canvas, width, footer)
    canvas.showPage()
    if continued:
        _answers_continued(canvas, report.case_number, continued, footer)
    canvas.save()
    return buffer.getvalue()


def _answers_continued(
    canvas: Canvas, case_number: str, answers: list[tuple[str, str]], footer: str
) -> None:
    """The whole of each answer too long for its box, on the pages after the form."""
    story: list[Flowable] = [
        Paragraph(_markup(f"Form 301, case {case_number}: answers continued in full"), _TITLE),
        Spacer(1, 8),
    ]
    for label, answer in answers:
        story += [
            Paragraph(_markup(label), _LABEL),
            Spacer(1, 3),
            Paragraph(_markup(answer).replace("\n", "<br/>"), _ANSWER),
            Spacer(1, 10),
        ]
    _pages_of(canvas, letter, story, footer)


def _notes_for_the_recordkeeper(
    canvas: Canvas, pagesize: tuple[float, float], warnings: Sequence[str], footer: str
) -> None:
    """The log's warnings in full, after the form: they are for whoever keeps it, not for the
    wall it is posted on."""
    story: list[Flowable] = [
        Paragraph("Notes for the recordkeeper (not part of the form; do not post)", _TITLE),
        Spacer(1, 8),
    ]
    for warning in warnings:
        story += [Paragraph(_markup(warning), _ANSWER, bulletText="\u2022"), Spacer(1, 6)]
    _pages_of(canvas, pagesize, story, f"{footer} · notes for the recordkeeper")


def _pages_of(
    canvas: Canvas, pagesize: tuple[float, float], story: list[Flowable], footer: str
) -> None:
    """Lay the story out on as many pages as it takes, each with the footer."""
    width, height = pagesize
    margin = 0.5 * inch
    while story:
        left_before = len(story)
        frame = Frame(margin, margin + 14, width - 2 * margin, height - 2 * margin - 14)
        frame.addFromList(story, canvas)
        _footer(canvas, width, footer)
        canvas.showPage()
        if len(story) == left_before:  # Nothing fitted a whole page: never loop for ever.
            break


def _yes_no_text(value: bool | None) -> str:
    if value is None:
        return "Not recorded"
    return "Yes" if value else "No"


def _narrative(canvas: Canvas, x: float, y: float, width: float, label: str, answer: str) -> float:
    head = Paragraph(_markup(label), _LABEL)
    _, head_h = head.wrapOn(canvas, width, 40)
    head.drawOn(canvas, x, y - head_h)
    y -= head_h + 3
    text = _clip(answer, _NARRATIVE_ROOM)
    if text.endswith("\u2026"):
        text += " (continued in full after the form)"
    body = Paragraph(_markup(text) or "&nbsp;", _ANSWER)
    _, body_h = body.wrapOn(canvas, width - 8, 200)
    body_h = max(body_h, 14)
    canvas.setFillColor(PANEL)
    canvas.rect(x, y - body_h - 6, width, body_h + 6, stroke=0, fill=1)
    body.drawOn(canvas, x + 4, y - body_h - 3)
    return y - body_h - 16
