"""Charts for the packet, drawn with reportlab.graphics shapes.

The charts are drawn from primitives rather than reportlab's chart widgets so that the
control limits can be drawn as steps, the funnel's curves clipped to the plot, and every
label placed where it reads best.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from enum import StrEnum

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.pdf.packet_data import Funnel, FunnelLimit, FunnelPoint, LabelCount, MonthPoint
from reports.pdf.theme import (
    ACCENT,
    ACCENT_LIGHT,
    BETTER,
    BOLD,
    CAUTION,
    INK,
    MUTED,
    REGULAR,
    RULE,
    TEXT,
    WHITE,
    WORSE,
    plain,
    short_month_label,
)

_LABEL_SIZE = 7


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw_step = top / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_label(value: float) -> str:
    return f"{value:g}" if value < 1000 else f"{value:,.0f}"


def _empty_message(drawing: Drawing, text: str) -> None:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            text,
            fontName=REGULAR,
            fontSize=8.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )


def _legend(
    drawing: Drawing, x: float, y: float, entries: Sequence[tuple[str, str, object]]
) -> None:
    """Draw a one-line legend; each entry is (kind, label, colour) with kind line/dash/dot."""
    for kind, label, colour in entries:
        if kind == "dot":
            drawing.add(
                Circle(x + 4, y + 2.5, 2.6, fillColor=colour, strokeColor=WHITE, strokeWidth=0.4)
            )
        else:
            drawing.add(
                Line(
                    x,
                    y + 2.5,
                    x + 14,
                    y + 2.5,
                    strokeColor=colour,
                    strokeWidth=1.4 if kind == "line" else 1,
                    strokeDashArray=[3, 2] if kind == "dash" else None,
                )
            )
        text_x = x + (11 if kind == "dot" else 18)
        drawing.add(
            String(text_x, y, label, fontName=REGULAR, fontSize=_LABEL_SIZE, fillColor=TEXT)
        )
        x = text_x + stringWidth(label, REGULAR, _LABEL_SIZE) + 12


def _y_axis(
    drawing: Drawing,
    left: float,
    right: float,
    bottom: float,
    plot_height: float,
    ticks: list[float],
    title: str,
) -> None:
    top_value = ticks[-1]
    for value in ticks:
        y = bottom + plot_height * value / top_value
        drawing.add(Line(left, y, right, y, strokeColor=RULE, strokeWidth=0.5 if value else 0.8))
        drawing.add(
            String(
                left - 4,
                y - 2.5,
                _tick_label(value),
                fontName=REGULAR,
                fontSize=_LABEL_SIZE,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    axis_title = String(
        0, 0, title, fontName=REGULAR, fontSize=_LABEL_SIZE, fillColor=MUTED, textAnchor="middle"
    )
    group = Group(axis_title)
    group.translate(8, bottom + plot_height / 2)
    group.rotate(90)
    drawing.add(group)


def trend_chart(
    points: Sequence[MonthPoint],
    width: float,
    height: float,
    measure: str = "TRIR",
    label_every: int = 3,
) -> Drawing:
    """Monthly rate with its u-chart centre line and limits; months above the limit in red."""
    drawing = Drawing(width, height)
    if not points or all(point.rate is None for point in points):
        _empty_message(drawing, "No hours worked on record for these months.")
        return drawing

    left, right, bottom, top = 34.0, width - 8, 24.0, height - 20
    plot_height = top - bottom
    highest = max(
        max((point.rate or 0.0) for point in points),
        max((point.ucl for point in points if point.hours > 0), default=0.0),
    )
    ticks = nice_ticks(highest * 1.05)
    scale_top = ticks[-1]
    _y_axis(drawing, left, right, bottom, plot_height, ticks, f"{measure} per 200,000 hours")

    slot = (right - left) / len(points)

    def x_of(index: int) -> float:
        return left + slot * (index + 0.5)

    def y_of(value: float) -> float:
        return bottom + plot_height * min(value, scale_top) / scale_top

    # Limits as steps: a unit's limits change month by month with its hours.
    for index, point in enumerate(points):
        if point.hours <= 0:
            continue
        x0, x1 = left + slot * index, left + slot * (index + 1)
        drawing.add(
            Line(
                x0,
                y_of(point.ucl),
                x1,
                y_of(point.ucl),
                strokeColor=WORSE,
                strokeWidth=0.8,
                strokeDashArray=[3, 2],
            )
        )
        if point.lcl > 0:
            drawing.add(
                Line(
                    x0,
                    y_of(point.lcl),
                    x1,
                    y_of(point.lcl),
                    strokeColor=MUTED,
                    strokeWidth=0.6,
                    strokeDashArray=[1, 2],
                )
            )
        drawing.add(
            Line(
                x0,
                y_of(point.centre),
                x1,
                y_of(point.centre),
                strokeColor=ACCENT_LIGHT,
                strokeWidth=1.2,
            )
        )

    # The rate, broken where a month has no hours.
    run: list[float] = []
    for index, point in enumerate([*points, None]):
        if point is not None and point.rate is not None:
            run.extend((x_of(index), y_of(point.rate)))
            continue
        if len(run) >= 4:
            drawing.add(PolyLine(run, strokeColor=ACCENT, strokeWidth=1.5))
        run = []
    for index, point in enumerate(points):
        if point.rate is None:
            continue
        if point.above_limit:
            drawing.add(
                Circle(
                    x_of(index),
                    y_of(point.rate),
                    3.4,
                    fillColor=WORSE,
                    strokeColor=WHITE,
                    strokeWidth=0.6,
                )
            )
        else:
            drawing.add(
                Circle(
                    x_of(index),
                    y_of(point.rate),
                    1.9,
                    fillColor=ACCENT,
                    strokeColor=ACCENT,
                    strokeWidth=0,
                )
            )

    last = len(points) - 1
    for index, point in enumerate(points):
        if (last - index) % label_every == 0:
            drawing.add(
                String(
                    x_of(index),
                    bottom - 11,
                    short_month_label(point.month),
                    fontName=REGULAR,
                    fontSize=_LABEL_SIZE,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
            drawing.add(
                Line(
                    x_of(index), bottom, x_of(index), bottom - 3, strokeColor=RULE, strokeWidth=0.6
                )
            )

    _legend(
        drawing,
        left,
        height - 10,
        (
            ("line", f"Monthly {measure}", ACCENT),
            ("line", "Centre line", ACCENT_LIGHT),
            ("dash", "Upper limit", WORSE),
            ("dot", "Above limit", WORSE),
        ),
    )
    return drawing


class FunnelPosition(StrEnum):
    WITHIN = "within"
    ABOVE_95 = "above 95%"
    ABOVE_998 = "above 99.8%"
    BELOW_95 = "below 95%"
    BELOW_998 = "below 99.8%"


def _limits_at(limits: Sequence[FunnelLimit], hours: float) -> tuple[float, float, float, float]:
    """Interpolate the funnel's limits at ``hours``, linearly in log hours."""
    ordered = sorted(limits, key=lambda limit: limit.hours)
    keys = [limit.hours for limit in ordered]
    index = bisect.bisect_left(keys, hours)
    if index <= 0:
        nearest = ordered[0]
        return nearest.lower95, nearest.upper95, nearest.lower998, nearest.upper998
    if index >= len(ordered):
        nearest = ordered[-1]
        return nearest.lower95, nearest.upper95, nearest.lower998, nearest.upper998
    before, after = ordered[index - 1], ordered[index]
    share = (math.log(hours) - math.log(before.hours)) / (
        math.log(after.hours) - math.log(before.hours)
    )

    def between(name: str) -> float:
        return getattr(before, name) + share * (getattr(after, name) - getattr(before, name))

    return between("lower95"), between("upper95"), between("lower998"), between("upper998")


def funnel_position(point: FunnelPoint, limits: Sequence[FunnelLimit]) -> FunnelPosition:
    if point.position:
        return FunnelPosition(point.position)
    if not limits or point.hours <= 0:
        return FunnelPosition.WITHIN
    lower95, upper95, lower998, upper998 = _limits_at(limits, point.hours)
    if point.rate > upper998:
        return FunnelPosition.ABOVE_998
    if point.rate > upper95:
        return FunnelPosition.ABOVE_95
    if point.rate < lower998:
        return FunnelPosition.BELOW_998
    if point.rate < lower95:
        return FunnelPosition.BELOW_95
    return FunnelPosition.WITHIN


_POSITION_COLOURS = {
    FunnelPosition.WITHIN: ACCENT_LIGHT,
    FunnelPosition.ABOVE_95: CAUTION,
    FunnelPosition.ABOVE_998: WORSE,
    FunnelPosition.BELOW_95: BETTER,
    FunnelPosition.BELOW_998: BETTER,
}


def _hours_label(hours: float) -> str:
    if hours >= 1_000_000:
        return f"{hours / 1_000_000:g}M"
    if hours >= 1_000:
        return f"{hours / 1_000:g}K"
    return f"{hours:g}"


def _clipped_segments(
    xy: list[tuple[float, float]], bottom: float, top: float
) -> list[list[float]]:
    """Split a polyline into the runs inside bottom..top, cutting exactly at the edges."""
    runs: list[list[float]] = []
    current: list[float] = []
    for (x0, y0), (x1, y1) in zip(xy, xy[1:], strict=False):
        inside0, inside1 = bottom <= y0 <= top, bottom <= y1 <= top
        if inside0 and not current:
            current = [x0, y0]
        if inside0 and inside1:
            current.extend((x1, y1))
            continue
        edge = top if (y0 > top or y1 > top) else bottom
        if y1 != y0:
            share = (edge - y0) / (y1 - y0)
            crossing = (x0 + share * (x1 - x0), edge)
        else:
            crossing = (x1, edge)
        if inside0:
            current.extend(crossing)
            runs.append(current)
            current = []
        elif inside1:
            current = [*crossing, x1, y1]
    if len(current) >= 4:
        runs.append(current)
    return [run for run in runs if len(run) >= 4]


def funnel_chart(funnel: Funnel, width: float, height: float) -> Drawing:
    """Departments' rates against hours worked, with 95% and 99.8% limits around the city."""
    drawing = Drawing(width, height)
    points = [point for point in funnel.points if point.hours > 0]
    if not points:
        _empty_message(drawing, "No departments with hours worked in this window.")
        return drawing

    left, right, bottom, top = 34.0, width - 10, 30.0, height - 20
    plot_height = top - bottom
    all_hours = [point.hours for point in points] + [limit.hours for limit in funnel.limits]
    low_exp = math.floor(math.log10(min(all_hours)))
    high_exp = math.ceil(math.log10(max(all_hours)))
    if high_exp == low_exp:
        high_exp += 1
    # The y scale follows the departments, not the limits, which grow without bound as
    # hours shrink; the curves are cut where they leave the plot.
    ticks = nice_ticks(max(max(point.rate for point in points), funnel.centre_rate * 2) * 1.08)
    scale_top = ticks[-1]
    _y_axis(drawing, left, right, bottom, plot_height, ticks, funnel.axis_label)

    def x_of(hours: float) -> float:
        return left + (right - left) * (math.log10(hours) - low_exp) / (high_exp - low_exp)

    def y_of(value: float) -> float:
        return bottom + plot_height * value / scale_top

    for exponent in range(low_exp, high_exp + 1):
        for multiple in (1, 2, 5):
            hours = multiple * 10**exponent
            if hours > 10**high_exp:
                break
            x = x_of(hours)
            drawing.add(
                Line(
                    x,
                    bottom,
                    x,
                    bottom - (3 if multiple == 1 else 2),
                    strokeColor=MUTED,
                    strokeWidth=0.5,
                )
            )
            if multiple == 1 or high_exp - low_exp <= 3:
                drawing.add(
                    String(
                        x,
                        bottom - 11,
                        _hours_label(hours),
                        fontName=REGULAR,
                        fontSize=_LABEL_SIZE,
                        fillColor=MUTED,
                        textAnchor="middle",
                    )
                )
    drawing.add(
        String(
            (left + right) / 2,
            bottom - 22,
            "Hours worked in the last twelve months (log scale)",
            fontName=REGULAR,
            fontSize=_LABEL_SIZE,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )

    ordered_limits = sorted(funnel.limits, key=lambda limit: limit.hours)
    curves = (
        ("upper998", WORSE, [4, 2], 0.9),
        ("lower998", WORSE, [4, 2], 0.9),
        ("upper95", CAUTION, [1.5, 2], 0.9),
        ("lower95", CAUTION, [1.5, 2], 0.9),
    )
    for name, colour, dashes, stroke in curves:
        xy = [(x_of(limit.hours), y_of(getattr(limit, name))) for limit in ordered_limits]
        # A lower limit of zero is not drawn: it would run along the axis.
        for run in _clipped_segments(xy, bottom + 0.5, top):
            drawing.add(
                PolyLine(run, strokeColor=colour, strokeWidth=stroke, strokeDashArray=dashes)
            )
    centre_y = y_of(funnel.centre_rate)
    drawing.add(Line(left, centre_y, right, centre_y, strokeColor=ACCENT, strokeWidth=1))

    positions = [(point, funnel_position(point, funnel.limits)) for point in points]
    # Draw calm points first so that outliers sit on top.
    for point, position in sorted(positions, key=lambda item: item[1] != FunnelPosition.WITHIN):
        radius = 2.4 if position == FunnelPosition.WITHIN else 3.2
        drawing.add(
            Circle(
                x_of(point.hours),
                y_of(min(point.rate, scale_top)),
                radius,
                fillColor=_POSITION_COLOURS[position],
                strokeColor=WHITE if position != FunnelPosition.WITHIN else ACCENT,
                strokeWidth=0.5,
            )
        )
    placed: list[tuple[float, float, float, float]] = []
    for point, position in sorted(positions, key=lambda item: -item[0].rate):
        # Only departments above the limits are named; the cabinet looks for those.
        if position not in (FunnelPosition.ABOVE_95, FunnelPosition.ABOVE_998):
            continue
        label = plain(point.department.code)
        label_width = stringWidth(label, BOLD, _LABEL_SIZE)
        x, y = x_of(point.hours), y_of(min(point.rate, scale_top))
        # Try right, left, above and below the point; take the first that overlaps nothing.
        candidates = (
            (x + 5, y - 2.5),
            (x - 5 - label_width, y - 2.5),
            (x - label_width / 2, y + 5),
            (x - label_width / 2, y - 11),
        )
        for label_x, label_y in candidates:
            box = (label_x - 1, label_y - 1, label_x + label_width + 1, label_y + _LABEL_SIZE)
            clear = all(
                box[2] < other[0] or box[0] > other[2] or box[3] < other[1] or box[1] > other[3]
                for other in placed
            )
            if clear and label_x + label_width <= width and label_x >= left:
                break
        placed.append(box)
        drawing.add(
            String(label_x, label_y, label, fontName=BOLD, fontSize=_LABEL_SIZE, fillColor=INK)
        )

    _legend(
        drawing,
        left,
        height - 10,
        (
            ("line", "City rate", ACCENT),
            ("dash", "95% limits", CAUTION),
            ("dash", "99.8% limits", WORSE),
            ("dot", "Above 99.8%", WORSE),
            ("dot", "Above 95%", CAUTION),
            ("dot", "Below 95%", BETTER),
            ("dot", "Within", _POSITION_COLOURS[FunnelPosition.WITHIN]),
        ),
    )
    return drawing


def bar_chart(counts: Sequence[LabelCount], width: float, title: str | None = None) -> Drawing:
    """Horizontal bars, one per label, with the count at the end of each bar."""
    row_height, label_width = 15.0, 0.0
    for item in counts:
        label_width = max(label_width, stringWidth(plain(item.label), REGULAR, _LABEL_SIZE + 0.5))
    label_width = min(label_width, width * 0.5)
    title_space = 14.0 if title else 0.0
    height = max(row_height * len(counts), row_height) + title_space + 4
    drawing = Drawing(width, height)
    if title:
        drawing.add(String(0, height - 9, title, fontName=BOLD, fontSize=8, fillColor=INK))
    if not counts:
        _empty_message(drawing, "No cases.")
        return drawing
    largest = max(item.count for item in counts) or 1
    bar_left = label_width + 6
    bar_room = width - bar_left - 26
    for index, item in enumerate(counts):
        y = height - title_space - (index + 1) * row_height + 3
        drawing.add(
            String(
                label_width,
                y + 2.5,
                plain(item.label),
                fontName=REGULAR,
                fontSize=_LABEL_SIZE + 0.5,
                fillColor=TEXT,
                textAnchor="end",
            )
        )
        bar_width = max(bar_room * item.count / largest, 0.5 if item.count else 0)
        drawing.add(
            Rect(bar_left, y, bar_width, row_height - 5, fillColor=ACCENT, strokeColor=None)
        )
        drawing.add(
            String(
                bar_left + bar_width + 4,
                y + 2.5,
                f"{item.count:,}",
                fontName=REGULAR,
                fontSize=_LABEL_SIZE + 0.5,
                fillColor=TEXT,
            )
        )
    return drawing


def inline_bar(share: float, width: float, height: float = 7, colour: object = ACCENT) -> Drawing:
    """A small bar for a table cell, ``share`` between 0 and 1."""
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=None, strokeColor=None))
    if share > 0:
        drawing.add(
            Rect(
                0, 0, max(width * min(share, 1.0), 0.8), height, fillColor=colour, strokeColor=None
            )
        )
    return drawing
