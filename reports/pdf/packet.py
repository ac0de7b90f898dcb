"""Lay out the monthly briefing packet as a US Letter PDF.

``build_packet_pdf`` turns a ``PacketData`` into PDF bytes. The document is built twice:
the first pass finds the page each section starts on and the number of pages, so that
the cover can list the contents and every page can say "Page 3 of 12". The same data
always gives the same bytes: reportlab runs in invariant mode and the PDF's creation
date is the packet's ``generated_on`` date.
"""

from __future__ import annotations

import calendar
import functools
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reports.pdf import charts
from reports.pdf.packet_data import (
    ClockState,
    DepartmentFocus,
    PacketData,
    RankingRow,
    SeriousCase,
)
from reports.pdf.theme import (
    ACCENT,
    ACCENT_LIGHT,
    BETTER,
    BOLD,
    CAUTION,
    DASH,
    DOWN,
    EM_DASH,
    INK,
    MINUS,
    MONTH_NAMES,
    MUTED,
    NONE_THIS_MONTH,
    PANEL,
    REGULAR,
    RULE,
    STYLES,
    TEXT,
    UP,
    WHITE,
    WORSE,
    WORSE_LIGHT,
    ZEBRA,
    format_count,
    format_hours,
    format_money,
    format_rate,
    format_rate_precise,
    format_signed,
    hex_of,
    markup,
    month_label,
)
from riskcabinet import fonts

PAGE_WIDTH, PAGE_HEIGHT = letter
SIDE_MARGIN = 0.75 * inch
TOP_MARGIN = 0.95 * inch
BOTTOM_MARGIN = 0.8 * inch
CONTENT_WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN
BRIEFING_TITLE = "Risk Reduction Cabinet briefing"
# The month-by-month charts show OSHA's recordable case rate; the funnel shows the harm rate.
TREND_MEASURE = "TRIR"

# Sections in the order they appear, with the titles used in headings and contents.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Where the city stands"),
    ("trend", "Citywide trend and department comparison"),
    ("ranking", "Department ranking"),
    ("attention", "Departments that need attention"),
    ("serious", "Serious cases"),
    ("notes", "Notes on data and method"),
)
SECTION_TITLES = dict(SECTIONS)


@dataclass
class _Pagination:
    """What the first pass learns and the second pass prints."""

    total_pages: int = 0
    section_pages: dict[str, int] = field(default_factory=dict)
    department_pages: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Builds the packet's flowables; holds the font choice and the known page numbers."""

    def __init__(
        self,
        data: PacketData,
        symbol_font: str | None,
        pagination: _Pagination,
        measuring: bool = False,
    ):
        self.data = data
        self.measuring = measuring
        self.symbol_font = symbol_font
        self.pagination = pagination
        self.department_count = len(data.ranking)

    def chart(self, draw: Callable[..., Drawing], *args: object, **kwargs: object) -> Flowable:
        """A chart, or in the measuring pass a blank of the same size, which is faster."""
        drawing = draw(*args, **kwargs)
        if self.measuring:
            return Spacer(drawing.width, drawing.height)
        return drawing

    # Text helpers -------------------------------------------------------------------

    def text(self, value: str) -> str:
        return markup(value, self.symbol_font)

    def para(self, value: str, style: str = "body") -> Paragraph:
        return Paragraph(self.text(value), STYLES[style])

    def raw(self, value: str, style: str = "body") -> Paragraph:
        """A paragraph from markup that has already been escaped."""
        return Paragraph(value, STYLES[style])

    def coloured(self, value: str, colour: object, bold: bool = False) -> str:
        inner = self.text(value)
        if bold:
            inner = f"<b>{inner}</b>"
        return f'<font color="{hex_of(colour)}">{inner}</font>'

    def arrow(self, difference: float, digits: int, suffix: str = "") -> str:
        """'\u25b2 0.15' with the symbol font, '+0.15' without it."""
        if round(difference, digits) == 0:
            return f"0{suffix}" if suffix else "no change"
        if self.symbol_font:
            return f"{UP if difference > 0 else DOWN} {abs(difference):,.{digits}f}{suffix}"
        return format_signed(difference, digits, suffix)

    def heading(
        self, key: str, title: str | None = None, kicker: str | None = None, style: str = "h1"
    ) -> list[Flowable]:
        flowables: list[Flowable] = []
        if kicker:
            flowables.append(self.para(kicker.upper(), "kicker"))
        title_paragraph = self.para(title or SECTION_TITLES[key], style)
        title_paragraph.section_key = key
        flowables.append(title_paragraph)
        return flowables

    def none_this_month(self, detail: str = "") -> Paragraph:
        return self.para(f"{NONE_THIS_MONTH} {detail}".strip(), "none")

    # Cover --------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        data = self.data
        flowables: list[Flowable] = [
            Spacer(1, 2.55 * inch),
            self.para(f"{month_label(data.month)} packet".upper(), "kicker"),
            Spacer(1, 6),
            Paragraph(self.text(BRIEFING_TITLE), _cover_style("title")),
            Spacer(1, 4),
            Paragraph(self.text(data.city_name), _cover_style("city")),
            Spacer(1, 26),
            self.para("In this packet", "h3"),
        ]
        rows = []
        for key, title in SECTIONS:
            page = self.pagination.section_pages.get(key)
            rows.append([self.para(title, "body"), self.para(str(page or ""), "cell_right")])
            if key != "attention":
                continue
            for focus in data.attention:
                page = self.pagination.department_pages.get(focus.department.code)
                rows.append(
                    [
                        self.para(focus.department.name, "contents_entry"),
                        self.para(str(page or ""), "cell_right"),
                    ]
                )
        contents = Table(rows, colWidths=[3.6 * inch, 0.5 * inch], hAlign="LEFT")
        contents.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        flowables.append(contents)
        flowables.append(Spacer(1, 22))
        flowables.append(
            self.para(
                f"Dated {_long_date(data.generated_on)}: actions, deadlines and investigations "
                f"as they stood that morning. Figures cover the twelve months to the end of "
                f"{month_label(data.month)} unless a chart says otherwise.",
                "muted",
            )
        )
        flowables.append(
            self.para(
                "For cabinet members: aggregate figures only. No employee names, narratives or "
                "medical details appear in this packet.",
                "muted",
            )
        )
        return flowables

    # Summary ------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        summary = self.data.summary
        window = f"{_number_word(summary.window_months)} months to {month_label(self.data.month)}"
        lede = (
            f"{_sentence_case(window)} \u00b7 {format_hours(summary.hours_worked)} hours worked "
            f"\u00b7 {format_count(summary.recordable_cases)} recordable cases"
            if summary.hours_worked > 0
            else f"{_sentence_case(window)} \u00b7 no hours worked on record, so no rates"
        )
        flowables = [*self.heading("summary"), self.para(lede, "lede")]

        completeness = summary.investigation_completeness_pct
        tiles = [
            self._rate_tile(
                "TRIR per 200,000 hours",
                summary.trir_per_200k_hours,
                summary.trir_last_month,
                summary.trir_last_year,
            ),
            self._rate_tile(
                "DART per 200,000 hours",
                summary.dart_per_200k_hours,
                summary.dart_last_month,
                summary.dart_last_year,
            ),
            self._tile(
                "Investigations complete",
                EM_DASH if completeness is None else f"{completeness:.0f}%",
                [
                    self.para(
                        f"{format_count(summary.investigations_complete)} of "
                        f"{format_count(summary.investigations_required)} cases that need one",
                        "tile_note",
                    )
                ],
                alert=completeness is not None and completeness < 90,
            ),
            self._tile(
                "Serious cases this month",
                format_count(summary.serious_case_count),
                [self.para("Fatality, in-patient stay, amputation or loss of an eye", "tile_note")],
                alert=summary.serious_case_count > 0,
            ),
            self._tile(
                "Workers' compensation claims",
                format_count(summary.claims_count),
                [
                    self.para(
                        f"{format_money(summary.claims_incurred_usd)} incurred \u00b7 "
                        f"{format_money(summary.claims_paid_usd)} paid",
                        "tile_note",
                    ),
                    *self._unreported_note(summary.unreported_injuries),
                ],
            ),
            self._tile(
                "Overdue corrective actions",
                format_count(summary.overdue_actions_count),
                [
                    self.para(
                        f"of {format_count(summary.open_actions_count)} open actions", "tile_note"
                    )
                ],
                alert=summary.overdue_actions_count > 0,
            ),
        ]
        flowables.append(_tile_grid(tiles, columns=3))
        flowables.append(
            self.para(
                "Arrows compare with the same twelve-month rate as of last month and as of a "
                "year ago; for rates, up is worse.",
                "caption",
            )
        )

        flowables.append(self.para("The five departments that need attention", "h2"))
        if summary.attention:
            rows = []
            for number, item in enumerate(summary.attention[:5], start=1):
                page = self.pagination.department_pages.get(item.department.code)
                page_note = f"  \u00b7  page {page}" if page else ""
                rows.append(
                    [
                        self.raw(f"<b>{number}</b>", "cell"),
                        self.raw(
                            f"<b>{self.text(item.department.name)}</b>"
                            f'<font color="{hex_of(MUTED)}">{self.text(page_note)}</font>',
                            "cell",
                        ),
                        self.para("; ".join(item.reasons) or EM_DASH, "cell"),
                    ]
                )
            attention = Table(rows, colWidths=[0.3 * inch, 2.0 * inch, CONTENT_WIDTH - 2.3 * inch])
            attention.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                        ("TOPPADDING", (0, 0), (-1, -1), 5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                        ("LEFTPADDING", (0, 0), (0, -1), 2),
                    ]
                )
            )
            flowables.append(attention)
        else:
            flowables.append(self.none_this_month("No department stands out from the city."))

        flowables.append(self.para(f"Cases by severity, {window}", "h2"))
        flowables.append(self._severity_table())
        return flowables

    def _tile(
        self, label: str, value: str, notes: list[Flowable], alert: bool = False
    ) -> list[Flowable]:
        value_style = STYLES["tile_value"]
        value_markup = self.text(value)
        if alert:
            value_markup = f'<font color="{hex_of(WORSE)}">{value_markup}</font>'
        return [
            self.para(label.upper(), "tile_label"),
            Spacer(1, 3),
            Paragraph(value_markup, value_style),
            Spacer(1, 2),
            *notes,
        ]

    def _unreported_note(self, count: int) -> list[Flowable]:
        """A line under the claims tile for injuries the city learnt of only from a claim."""
        if count == 0:
            return []
        injuries = "injury" if count == 1 else "injuries"
        verb = "was" if count == 1 else "were"
        return [
            self.raw(
                self.coloured(f"{format_count(count)} {injuries}", WORSE, bold=True)
                + self.text(f" {verb} never reported; first known from a claim"),
                "tile_note",
            )
        ]

    def _rate_tile(
        self, label: str, current: float | None, last_month: float | None, last_year: float | None
    ) -> list[Flowable]:
        notes = [
            self.raw(self._comparison(current, last_month, "last month"), "tile_note"),
            self.raw(self._comparison(current, last_year, "a year ago"), "tile_note"),
        ]
        return self._tile(label, format_rate_precise(current), notes)

    def _comparison(self, current: float | None, previous: float | None, when: str) -> str:
        if current is None or previous is None:
            return self.text(f"{EM_DASH} no comparison with {when}")
        # The change between the two figures as printed, so the tile's arithmetic adds up.
        difference = round(current, 2) - round(previous, 2)
        colour = MUTED if round(difference, 2) == 0 else (WORSE if difference > 0 else BETTER)
        change = self.coloured(self.arrow(difference, 2), colour, bold=True)
        return f"{change} {self.text(f'vs {format_rate_precise(previous)} {when}')}"

    def _severity_table(self) -> Flowable:
        severity = self.data.summary.cases_by_severity
        if not severity:
            return self.none_this_month()
        largest = max(item.count for item in severity) or 1
        total = sum(item.count for item in severity) or 1
        bar_width = 2.6 * inch
        rows = [
            [
                self.para("Severity, worst first", "cell_head"),
                self.para("Cases", "cell_head_right"),
                self.para("Share", "cell_head_right"),
                "",
            ]
        ]
        for index, item in enumerate(severity):
            colour = WORSE if index < 2 and item.count else ACCENT
            rows.append(
                [
                    self.para(item.label, "cell_bold" if index < 2 and item.count else "cell"),
                    self.para(format_count(item.count), "cell_right"),
                    self.para(_share_text(item.count, total), "cell_right"),
                    self.chart(charts.inline_bar, item.count / largest, bar_width, colour=colour),
                ]
            )
        table = Table(
            rows,
            colWidths=[2.6 * inch, 0.7 * inch, 0.6 * inch, bar_width + 0.2 * inch],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (3, 0), (3, -1), 12),
                ]
            )
        )
        return table

    # Trend and funnel ---------------------------------------------------------------

    def trend_and_funnel(self) -> list[Flowable]:
        data = self.data
        flowables = [
            *self.heading("trend"),
            self.para(
                "Is the city getting safer, and which departments differ from the city by more "
                "than chance?",
                "lede",
            ),
            self.para(f"Citywide {TREND_MEASURE}, month by month, last 24 months", "h3"),
            self.chart(
                charts.trend_chart,
                data.citywide_trend,
                CONTENT_WIDTH,
                2.75 * inch,
                TREND_MEASURE,
            ),
        ]
        above = [point for point in data.citywide_trend if point.above_limit]
        if above:
            months = ", ".join(month_label(point.month) for point in above)
            caption = (
                f"Months above the upper control limit: {months}. "
                "Such a month is a signal to look into, not noise."
            )
        else:
            caption = (
                "No month is above the upper control limit: month-to-month changes are "
                "within what chance explains."
            )
        flowables.append(self.para(caption, "caption"))
        flowables.append(Spacer(1, 14))
        flowables.append(
            self.para(
                f"Departments' {data.funnel.measure} against hours worked, twelve months",
                "h3",
            )
        )
        flowables.append(self.chart(charts.funnel_chart, data.funnel, CONTENT_WIDTH, 3.6 * inch))
        if any(point.hours > 0 for point in data.funnel.points):
            flowables.append(self.para(self._funnel_caption(), "caption"))
        return flowables

    def _funnel_caption(self) -> str:
        funnel = self.data.funnel
        groups: dict[charts.FunnelPosition, list[str]] = {}
        for point in funnel.points:
            position = charts.funnel_position(point, funnel.limits)
            # With the code the chart labels the point by.
            groups.setdefault(position, []).append(
                f"{point.department.name} ({point.department.code})"
            )
        parts = [
            f"Each point is a department; the city's rate is {format_rate(funnel.centre_rate)}. "
            "Points outside the curves differ from the city by more than chance."
        ]
        for position, words in (
            (charts.FunnelPosition.ABOVE_998, "Above the 99.8% limit"),
            (charts.FunnelPosition.ABOVE_95, "Above the 95% limit only"),
        ):
            if groups.get(position):
                parts.append(f"{words}: {', '.join(groups[position])}.")
        below = len(groups.get(charts.FunnelPosition.BELOW_95, [])) + len(
            groups.get(charts.FunnelPosition.BELOW_998, [])
        )
        if below:
            parts.append(f"{_plural(below, 'department')} below the 95% limit (green).")
        return " ".join(parts)

    # Ranking ------------------------------------------------------------------------

    def ranking(self) -> list[Flowable]:
        flowables = [
            *self.heading("ranking"),
            self.para(
                "Departments ordered by score, highest first: the harm rate each is expected "
                "to have next quarter, from its last three years of cases, their severity and "
                "its trend. The other rates are per 200,000 hours over twelve months.",
                "lede",
            ),
        ]
        if not self.data.ranking:
            flowables.append(self.none_this_month("No department has enough data to rank."))
            return flowables
        up, down = (UP, DOWN) if self.symbol_font else ("+", MINUS)
        flowables.append(
            self.para(
                f"Change: places moved since last month ({up} toward the top of the ranking, "
                f"{down} away from it, = unchanged). Trend: yearly change in the case rate; bold "
                "when it is unlikely to be chance. Signal: a recent month's cases with harm are "
                "above their control limit; else above funnel (the harm rate above the funnel "
                "plot's 99.8% limit) or near funnel limit (above its 95% line). Shaded rows have "
                "their own page.",
                "muted",
            )
        )
        flowables.append(Spacer(1, 8))
        header = [
            self.para("Rank", "cell_head"),
            self.para("Change", "cell_head"),
            self.para("Department and reasons", "cell_head"),
            self.para("TRIR", "cell_head_right"),
            self.para("DART", "cell_head_right"),
            self.para("Harm rate", "cell_head_right"),
            self.para("Adjusted rate", "cell_head_right"),
            self.para("Trend a year", "cell_head_right"),
            self.para("Signal", "cell_head"),
            self.para("Score", "cell_head_right"),
        ]
        rows = [header] + [self._ranking_row(row) for row in self.data.ranking]
        widths = [0.4, 0.5, 2.15, 0.45, 0.45, 0.5, 0.6, 0.6, 0.9, 0.45]
        table = Table(rows, colWidths=[width * inch for width in widths], repeatRows=1)
        # Figures are plain strings styled by column, which lays out much faster than a
        # paragraph per cell; only cells that mix fonts or colours are paragraphs.
        commands: list[tuple] = [
            ("FONT", (0, 1), (-1, -1), REGULAR, 8.5, 10.5),
            ("FONT", (0, 1), (0, -1), BOLD, 8.5, 10.5),
            ("FONT", (9, 1), (9, -1), BOLD, 8.5, 10.5),
            ("TEXTCOLOR", (0, 1), (-1, -1), TEXT),
            ("TEXTCOLOR", (8, 1), (8, -1), MUTED),
            ("ALIGN", (3, 1), (6, -1), "RIGHT"),
            ("ALIGN", (9, 1), (9, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        attention_codes = {focus.department.code for focus in self.data.attention}
        for index, row in enumerate(self.data.ranking, start=1):
            if row.department.code in attention_codes:
                commands.append(("BACKGROUND", (0, index), (-1, index), WORSE_LIGHT))
            elif index % 2 == 0:
                commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
        table.setStyle(TableStyle(commands))
        flowables.append(table)
        return flowables

    def _ranking_row(self, row: RankingRow) -> list[Flowable]:
        if row.previous_rank is None:
            change = self.coloured("new", MUTED)
        elif row.previous_rank == row.rank:
            change = self.coloured("=", MUTED)
        else:
            moved = row.previous_rank - row.rank
            change = self.coloured(self.arrow(moved, 0), WORSE if moved > 0 else BETTER, bold=True)
        department = f"<b>{self.text(row.department.name)}</b>"
        page = self.pagination.department_pages.get(row.department.code)
        if page:
            department += f'<font color="{hex_of(MUTED)}"> \u00b7 page {page}</font>'
        if row.reasons:
            reasons = self.text("; ".join(row.reasons))
            department += f'<br/><font size="7.5" color="{hex_of(MUTED)}">{reasons}</font>'
        if row.trend_pct_per_year is None:
            trend = self.coloured(EM_DASH, MUTED)
        else:
            colour = (
                (WORSE if row.trend_pct_per_year > 0 else BETTER)
                if row.trend_significant
                else MUTED
            )
            trend = self.coloured(
                self.arrow(row.trend_pct_per_year, 0, "%"), colour, bold=row.trend_significant
            )
        signal: object = DASH
        if row.control_signal:
            signal = self.raw(self.coloured(row.control_signal, WORSE, bold=True), "small")
        elif row.signal_words:
            signal = self.raw(self.coloured(row.signal_words, CAUTION, bold=True), "small")
        return [
            str(row.rank),
            self.raw(change, "cell"),
            self.raw(department, "cell"),
            format_rate(row.trir),
            format_rate(row.dart),
            format_rate(row.harm_rate),
            format_rate(row.shrunk_rate),
            self.raw(trend, "cell_right"),
            signal,
            f"{row.score:.1f}",
        ]

    # Department pages ---------------------------------------------------------------

    def attention_pages(self) -> list[Flowable]:
        if not self.data.attention:
            # Without attention pages the section is a short note under the ranking.
            return [
                Spacer(1, 12),
                *self.heading("attention", style="h2"),
                self.none_this_month(
                    "No department stands out from the city by enough to need its own page."
                ),
            ]
        flowables: list[Flowable] = []
        count = len(self.data.attention)
        for number, focus in enumerate(self.data.attention, start=1):
            flowables.append(PageBreak())
            flowables.extend(self.focus_page(focus, number, count))
        return flowables

    def focus_page(self, focus: DepartmentFocus, number: int, count: int) -> list[Flowable]:
        department = focus.department
        title = Paragraph(
            f"{self.text(department.name)} "
            f'<font size="11" color="{hex_of(MUTED)}">{self.text(department.code)}</font>',
            STYLES["h1"],
        )
        title.department_code = department.code
        if number == 1:
            title.section_key = "attention"
        flowables: list[Flowable] = [
            self.para(
                f"Department that needs attention \u00b7 {number} of {count}".upper(), "kicker"
            ),
            title,
            Spacer(1, 6),
        ]
        ranking_row = next(
            (row for row in self.data.ranking if row.department.code == department.code), None
        )
        if ranking_row is not None:
            flowables.append(self._focus_figures(ranking_row))
            flowables.append(Spacer(1, 8))

        flowables.append(self.para("Why it needs attention", "h3"))
        reasons = focus.reasons or ("No reasons recorded.",)
        for reason in reasons:
            flowables.append(
                Paragraph(self.text(_sentence_case(reason)), STYLES["body"], bulletText="\u2022")
            )
        flowables.append(Spacer(1, 10))

        measure = TREND_MEASURE
        left_width, gap = 4.3 * inch, 0.25 * inch
        right_width = CONTENT_WIDTH - left_width - gap
        chart_row = Table(
            [
                [
                    self.para(f"Monthly {measure} with control limits, last 24 months", "h3"),
                    "",
                    self.para("Cases by type, last 12 months", "h3"),
                ],
                [
                    self.chart(
                        charts.trend_chart,
                        focus.trend,
                        left_width,
                        2.15 * inch,
                        measure,
                        label_every=6,
                    ),
                    "",
                    self.chart(charts.bar_chart, focus.type_mix, right_width)
                    if focus.type_mix
                    else self.para("No cases in the last twelve months.", "none"),
                ],
            ],
            colWidths=[left_width, gap, right_width],
        )
        chart_row.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        flowables.append(chart_row)
        flowables.append(Spacer(1, 8))

        flowables.append(self.para("Leading events and exposures (OIICS)", "h3"))
        if focus.leading_events:
            largest = max(event.count for event in focus.leading_events) or 1
            rows = [
                [
                    self.para("Code", "cell_head"),
                    self.para("Event or exposure", "cell_head"),
                    self.para("Cases", "cell_head_right"),
                    "",
                ]
            ]
            for event in focus.leading_events:
                rows.append(
                    [
                        self.para(event.code, "cell"),
                        self.para(event.title, "cell"),
                        self.para(format_count(event.count), "cell_right"),
                        self.chart(
                            charts.inline_bar,
                            event.count / largest,
                            1.5 * inch,
                            colour=ACCENT_LIGHT,
                        ),
                    ]
                )
            flowables.append(
                _data_table(
                    rows,
                    [0.55 * inch, 4.0 * inch, 0.6 * inch, CONTENT_WIDTH - 5.15 * inch],
                    valign="MIDDLE",
                )
            )
        else:
            flowables.append(self.para("No coded cases in the last twelve months.", "none"))
        flowables.append(Spacer(1, 10))

        # The actions close the page, with as many of the most urgent as fit on it: long texts
        # elsewhere on the page must not push a row or two onto a page of their own.
        flowables.append(
            _FirstRowsThatFit(
                functools.partial(self._focus_actions, focus), len(focus.open_actions)
            )
        )
        return flowables

    def _focus_actions(self, focus: DepartmentFocus, listed: int) -> list[Flowable]:
        """The department's open actions section, listing the ``listed`` most urgent."""
        flowables: list[Flowable] = []
        actions_title = "Open corrective actions"
        if focus.open_action_count:
            actions_title += (
                f" \u00b7 {format_count(focus.open_action_count)} open, "
                f"{format_count(focus.overdue_action_count)} overdue"
            )
        flowables.append(self.para(actions_title, "h3"))
        if focus.open_actions:
            rows = [
                [
                    self.para("Action", "cell_head"),
                    self.para("Control", "cell_head"),
                    self.para("Owner", "cell_head"),
                    self.para("Due", "cell_head"),
                    self.para("Status", "cell_head"),
                ]
            ]
            ordered = sorted(
                focus.open_actions,
                key=lambda action: (not action.overdue, action.due_date or date.max),
            )
            for action in ordered[:listed]:
                if action.overdue:
                    status = self.coloured("Overdue", WORSE, bold=True)
                else:
                    status = self.text("In progress" if action.in_progress else "Open")
                rows.append(
                    [
                        self.para(action.description, "cell"),
                        self.para(action.control_level, "cell"),
                        self.para(action.owner_role, "cell"),
                        self.para(
                            _short_date(action.due_date) if action.due_date else EM_DASH, "cell"
                        ),
                        self.raw(status, "cell"),
                    ]
                )
            flowables.append(
                _data_table(rows, [2.85 * inch, 0.95 * inch, 1.6 * inch, 0.85 * inch, 0.75 * inch])
            )
            shown = ""
            if listed < focus.open_action_count:
                most = "The most urgent" if listed == 1 else f"The {listed} most urgent"
                shown = (
                    f"{most} of {format_count(focus.open_action_count)}: overdue first, "
                    "then by due date. "
                )
            flowables.append(
                self.para(
                    f"{shown}Controls follow the hierarchy, most effective first: elimination, "
                    "substitution, engineering, administrative, PPE.",
                    "caption",
                )
            )
        else:
            flowables.append(self.para("No open corrective actions.", "none"))
        return flowables

    def _focus_figures(self, row: RankingRow) -> Flowable:
        rank_note = ""
        if row.previous_rank is not None and row.previous_rank != row.rank:
            rank_note = f" (was {row.previous_rank})"
        if row.trend_pct_per_year is None:
            trend = EM_DASH
        else:
            trend = format_signed(row.trend_pct_per_year, 0, "%")
            if not row.trend_significant:
                trend += " (not significant)"
        cells = [
            ("Rank", f"{row.rank} of {self.department_count}{rank_note}"),
            ("Score", f"{row.score:.1f}"),
            ("TRIR", format_rate(row.trir)),
            ("DART", format_rate(row.dart)),
            ("Adjusted rate", format_rate(row.shrunk_rate)),
            ("Trend a year", trend),
            ("Signal", row.signal_words or "None"),
        ]
        table = Table(
            [
                [self.para(label.upper(), "tile_label") for label, _ in cells],
                [self.para(value, "cell_bold") for _, value in cells],
            ],
            colWidths=[
                1.15 * inch,
                0.6 * inch,
                0.75 * inch,
                0.75 * inch,
                1.0 * inch,
                1.25 * inch,
                1.5 * inch,
            ],
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                    ("LINEABOVE", (0, 0), (-1, 0), 2, ACCENT),
                    ("TOPPADDING", (0, 0), (-1, 0), 6),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                    ("TOPPADDING", (0, 1), (-1, 1), 1),
                    ("LEFTPADDING", (0, 0), (0, -1), 8),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table

    # Serious cases ------------------------------------------------------------------

    def serious_cases(self) -> list[Flowable]:
        flowables = [
            *self.heading("serious"),
            self.para(
                "Fatalities, in-patient hospitalizations, amputations and losses of an eye this "
                "month, with the legal deadlines each case started.",
                "lede",
            ),
        ]
        cases = self.data.serious_cases
        private = self.data.serious_private_clocks
        if not cases and not private:
            flowables.append(self.none_this_month())
            return flowables
        if not cases:
            flowables.append(self._serious_caption([], private))
            return flowables
        # One column per deadline, in the order the cases name them.
        clock_names: list[str] = []
        for case in cases:
            for clock in case.clocks:
                if clock.name not in clock_names:
                    clock_names.append(clock.name)
        fixed = [1.1 * inch, 1.3 * inch, 0.9 * inch]
        clock_width = (CONTENT_WIDTH - sum(fixed)) / max(len(clock_names), 1)
        header = [
            self.para("Case and date", "cell_head"),
            self.para("Department and type", "cell_head"),
            self.para("Status", "cell_head"),
            *(self.para(name, "cell_head") for name in clock_names),
        ]
        rows = [header] + [self._serious_row(case, clock_names) for case in cases]
        flowables.append(_data_table(rows, fixed + [clock_width] * len(clock_names), zebra=True))
        flowables.append(Spacer(1, 4))
        flowables.append(self._serious_caption(cases, private))
        return flowables

    def _serious_caption(
        self, cases: Sequence[SeriousCase], private: Sequence[Sequence[ClockState]]
    ) -> Flowable:
        states = [clock.state for case in cases for clock in case.clocks]
        states += [state for clocks in private for state in clocks]
        missed = states.count(ClockState.MISSED)
        running = states.count(ClockState.RUNNING)
        # Privacy cases are counted, deadlines included, but never described.
        also = (
            f"{'Also ' if cases else ''}{_plural(len(private), 'privacy case')}, not described "
            f"here; {'its' if len(private) == 1 else 'their'} deadlines are in these counts. "
            if private
            else ""
        )
        return self.para(
            f"{also}{_plural(missed, 'deadline')} missed and {_plural(running, 'deadline')} "
            "still running. The law asks for a death or serious injury to be reported to "
            "Cal/OSHA within 8 hours, the claim form to reach the employee within 1 working day, "
            "the employer's report (Form 5020) to be filed within 5 days and the case to be "
            "entered on the 300 log within 7 days.",
            "caption",
        )

    def _serious_row(self, case: SeriousCase, clock_names: list[str]) -> list[object]:
        by_name = {clock.name: clock for clock in case.clocks}
        cells: list[object] = [
            self.raw(
                f"<b>{self.text(case.reference)}</b><br/>"
                f'<font color="{hex_of(MUTED)}">{self.text(_short_date(case.occurred_on))}</font>',
                "cell",
            ),
            self.raw(
                f"{self.text(case.department.name)}<br/>"
                f'<font color="{hex_of(MUTED)}">{self.text(case.incident_type)}</font>',
                "cell",
            ),
            self.para(case.status, "cell"),
        ]
        colours = {ClockState.MET: BETTER, ClockState.MISSED: WORSE, ClockState.RUNNING: CAUTION}
        for name in clock_names:
            clock = by_name.get(name)
            if clock is None:
                cells.append(self.raw(self.coloured("not started", MUTED), "cell"))
                continue
            state = self.coloured(clock.state.value.capitalize(), colours[clock.state], bold=True)
            due = self.coloured(f"due {_short_datetime(clock.deadline)}", MUTED)
            cells.append(self.raw(f'{state}<br/><font size="7.5">{due}</font>', "cell"))
        return cells

    # Notes --------------------------------------------------------------------------

    def notes(self) -> list[Flowable]:
        flowables = [*self.heading("notes"), Spacer(1, 4)]
        for note in self.data.method_notes:
            flowables.append(
                KeepTogether(
                    [self.para(note.heading, "h3"), self.para(note.text, "body"), Spacer(1, 8)]
                )
            )
        flowables.append(
            KeepTogether(
                [
                    self.para("Source of hours worked", "h3"),
                    self.para(self.data.exposure_source or "Not recorded.", "body"),
                    Spacer(1, 8),
                ]
            )
        )
        flowables.append(
            self.para(
                f"Prepared for the Risk Reduction Cabinet, {self.data.city_name}, "
                f"{month_label(self.data.month)}. Dated {_long_date(self.data.generated_on)}.",
                "muted",
            )
        )
        return flowables

    def story(self) -> list[Flowable]:
        return [
            NextPageTemplate("body"),
            *self.cover(),
            PageBreak(),
            *self.summary(),
            PageBreak(),
            *self.trend_and_funnel(),
            PageBreak(),
            *self.ranking(),
            *self.attention_pages(),
            PageBreak(),
            *self.serious_cases(),
            PageBreak(),
            *self.notes(),
        ]


# Layout helpers -----------------------------------------------------------------------


def _share_text(count: int, total: int) -> str:
    """A whole percentage, except that a few cases never read as none: '<1%', not '0%'."""
    share = 100 * count / total
    if count and share < 0.5:
        return "<1%"
    return f"{share:.0f}%"


class _FirstRowsThatFit(Flowable):
    """A section built by ``build(rows)`` with as many rows as fit in the space left in the
    frame, from ``rows`` down to one; the rest of the page is never pushed onto another."""

    def __init__(self, build: Callable[[int], list[Flowable]], rows: int) -> None:
        super().__init__()
        self.build = build
        self.rows = rows
        self._laid_out: list[tuple[Flowable, float, float, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        for rows in range(self.rows, -1, -1):
            laid_out, height = [], 0.0
            for flowable in self.build(rows):
                _, flowable_height = flowable.wrap(available_width, available_height)
                before, after = flowable.getSpaceBefore(), flowable.getSpaceAfter()
                laid_out.append((flowable, before, flowable_height, after))
                height += before + flowable_height + after
            if height <= available_height or rows <= 1:
                break
        self._laid_out = laid_out
        self.width, self.height = available_width, height
        return available_width, height

    def draw(self) -> None:
        top = self.height
        for flowable, before, height, after in self._laid_out:
            top -= before + height
            flowable.drawOn(self.canv, 0, top)
            top -= after


def _cover_style(kind: str):
    from reportlab.lib.styles import ParagraphStyle

    if kind == "title":
        return ParagraphStyle("cover_title", fontName=BOLD, fontSize=30, leading=35, textColor=INK)
    return ParagraphStyle("cover_city", fontName=REGULAR, fontSize=18, leading=23, textColor=ACCENT)


def _tile_grid(tiles: list[list[Flowable]], columns: int) -> KeepTogether:
    """Figures in panels, ``columns`` to a row, with white gutters between them."""
    gap = 0.15 * inch
    tile_width = (CONTENT_WIDTH - gap * (columns - 1)) / columns
    widths = [tile_width]
    for _ in range(columns - 1):
        widths.extend((gap, tile_width))
    rows: list[Flowable] = []
    for start in range(0, len(tiles), columns):
        cells: list[object] = []
        for offset, tile in enumerate(tiles[start : start + columns]):
            cells.extend(([""] if offset else []) + [tile])
        commands: list[tuple] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 9),
            ("RIGHTPADDING", (0, 0), (-1, -1), 9),
            ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
        ]
        for column in range(0, len(cells), 2):
            commands.append(("BACKGROUND", (column, 0), (column, 0), PANEL))
            commands.append(("LINEABOVE", (column, 0), (column, 0), 2, ACCENT))
        row = Table([cells], colWidths=widths[: len(cells)], hAlign="LEFT")
        row.setStyle(TableStyle(commands))
        if rows:
            rows.append(Spacer(1, gap))
        rows.append(row)
    return KeepTogether(rows)


def _data_table(
    rows: list[list[object]], widths: list[float], zebra: bool = False, valign: str = "TOP"
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        commands.extend(
            ("BACKGROUND", (0, index), (-1, index), ZEBRA) for index in range(2, len(rows), 2)
        )
    table.setStyle(TableStyle(commands))
    return table


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number_word(value: int) -> str:
    words = {3: "three", 6: "six", 12: "twelve", 24: "twenty-four"}
    return words.get(value, str(value))


def _long_date(value: date) -> str:
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def _short_date(value: date) -> str:
    return f"{MONTH_NAMES[value.month - 1][:3]} {value.day}, {value.year}"


def _short_datetime(value: datetime) -> str:
    return f"{MONTH_NAMES[value.month - 1][:3]} {value.day} {value.hour:02d}:{value.minute:02d}"


# Document ---------------------------------------------------------------------------


class _PacketDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, data: PacketData, pagination: _Pagination, **kwargs):
        super().__init__(
            buffer,
            pagesize=letter,
            leftMargin=SIDE_MARGIN,
            rightMargin=SIDE_MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=f"{BRIEFING_TITLE}, {month_label(data.month)}",
            author=data.city_name,
            subject=f"{data.city_name} {BRIEFING_TITLE}, {month_label(data.month)}",
            creator="riskcabinet",
            invariant=1,
            **kwargs,
        )
        self.data = data
        self.known = pagination
        self.found = _Pagination()
        frame = Frame(
            SIDE_MARGIN,
            BOTTOM_MARGIN,
            CONTENT_WIDTH,
            PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame], onPage=self._draw_cover),
                PageTemplate(id="body", frames=[frame], onPage=self._draw_running_header),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        key = getattr(flowable, "section_key", None)
        if key and key not in self.found.section_pages:
            self.found.section_pages[key] = self.page
        code = getattr(flowable, "department_code", None)
        if code and code not in self.found.department_pages:
            self.found.department_pages[code] = self.page

    def _draw_cover(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.rect(0, PAGE_HEIGHT - 1.9 * inch, PAGE_WIDTH, 1.9 * inch, stroke=0, fill=1)
        canvas.setFillColor(ACCENT)
        canvas.rect(0, PAGE_HEIGHT - 1.9 * inch - 5, PAGE_WIDTH, 5, stroke=0, fill=1)
        canvas.setFillColor(WHITE)
        canvas.setFont(BOLD, 11)
        canvas.drawString(SIDE_MARGIN, PAGE_HEIGHT - 0.8 * inch, self.data.city_name.upper())
        canvas.setFont(REGULAR, 26)
        canvas.drawString(SIDE_MARGIN, PAGE_HEIGHT - 1.3 * inch, month_label(self.data.month))
        canvas.setFont(REGULAR, 9)
        canvas.setFillColor(ACCENT_LIGHT)
        canvas.drawRightString(
            PAGE_WIDTH - SIDE_MARGIN, PAGE_HEIGHT - 0.8 * inch, "MONTHLY BRIEFING PACKET"
        )
        self._draw_footer(canvas)
        canvas.restoreState()

    def _draw_running_header(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - 0.55 * inch
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(INK)
        left_text = f"{self.data.city_name}  \u00b7  {month_label(self.data.month)}"
        canvas.drawString(SIDE_MARGIN, top, left_text)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(PAGE_WIDTH - SIDE_MARGIN, top, BRIEFING_TITLE)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(SIDE_MARGIN, top - 6, PAGE_WIDTH - SIDE_MARGIN, top - 6)
        self._draw_footer(canvas)
        canvas.restoreState()

    def _draw_footer(self, canvas: Canvas) -> None:
        bottom = 0.5 * inch
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(SIDE_MARGIN, bottom + 11, PAGE_WIDTH - SIDE_MARGIN, bottom + 11)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            SIDE_MARGIN,
            bottom,
            "Aggregate figures for cabinet members. No names, narratives or medical details.",
        )
        total = self.known.total_pages
        label = f"Page {self.page} of {total}" if total else f"Page {self.page}"
        canvas.setFont(BOLD, 7.5)
        canvas.setFillColor(TEXT)
        canvas.drawRightString(PAGE_WIDTH - SIDE_MARGIN, bottom, label)


def _timestamp_for(day: date) -> TimeStamp:
    """A reportlab timestamp fixed at midnight UTC on ``day``."""
    stamp = TimeStamp(invariant=True)
    stamp.t = float(calendar.timegm(day.timetuple()))
    stamp.YMDhms = (day.year, day.month, day.day, 0, 0, 0)
    stamp.dhh = stamp.dmm = 0
    return stamp


def _canvas_maker(day: date) -> Callable[..., Canvas]:
    def make(*args, **kwargs) -> Canvas:
        canvas = Canvas(*args, **kwargs)
        # The creation date is the packet's date, not the clock's, so the bytes repeat.
        canvas._doc._timeStamp = _timestamp_for(day)
        return canvas

    return make


def _render(
    data: PacketData, symbol_font: str | None, known: _Pagination, measuring: bool
) -> tuple[bytes, _Pagination]:
    buffer = io.BytesIO()
    document = _PacketDocument(buffer, data, known)
    writer = _Writer(data, symbol_font, known, measuring=measuring)
    document.build(writer.story(), canvasmaker=_canvas_maker(data.generated_on))
    document.found.total_pages = document.page
    return buffer.getvalue(), document.found


@contextmanager
def _fast_reportlab_settings() -> Iterator[None]:
    """Skip reportlab's validation of chart shapes (a debugging aid) and its ASCII85
    wrapping of compressed streams (it only makes the file larger); both are restored."""
    previous = rl_config.shapeChecking, rl_config.useA85
    rl_config.shapeChecking, rl_config.useA85 = 0, 0
    try:
        yield
    finally:
        rl_config.shapeChecking, rl_config.useA85 = previous


def build_packet_pdf(data: PacketData) -> bytes:
    """Lay out the monthly briefing packet and return the PDF's bytes."""
    # DejaVu Sans for the signs Helvetica lacks, as the OSHA forms use it; None when missing.
    symbol_font = fonts.unicode_font()
    with _fast_reportlab_settings():
        # The measuring pass finds where sections start and how many pages there are.
        # Page numbers printed on the cover and in the ranking could in principle move
        # a page break, so measure again until the layout agrees with itself.
        known = _Pagination()
        for _attempt in range(4):
            _, found = _render(data, symbol_font, known, measuring=True)
            if found == known:
                break
            known = found
        pdf, _ = _render(data, symbol_font, known, measuring=False)
    return pdf
