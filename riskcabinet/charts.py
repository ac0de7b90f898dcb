"""Charts drawn on the server as SVG strings: a funnel plot, a monthly rate chart, small bars.

Plain Python, no Django. Every chart is an accessible image (role="img", a <title> and a
<desc> saying in words what it shows) with its labels as real text. Colours are presentation
attributes, never style attributes, so the pages keep a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

INK = "#1b2330"
MUTED = "#5b6675"
GRID = "#e3e7ee"
AXIS = "#8a94a3"
BRAND = "#12355b"
ACCENT = "#0b66c3"
DANGER = "#b3261e"
WARN = "#b07400"
WARN_TEXT = "#875900"  # WARN as text on white: 5.9:1.
OK = "#1e6b3a"
NEUTRAL = "#6f7f95"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


@dataclass(frozen=True)
class FunnelPoint:
    code: str
    name: str
    exposure: float  # hours worked in the window
    rate: float  # cases per 200,000 hours
    cases: int = 0


@dataclass(frozen=True)
class FunnelCurve:
    """A limit drawn across the plot: `rates[i]` at `exposures[i]`."""

    label: str
    exposures: Sequence[float]
    rates: Sequence[float]
    outer: bool  # the 99.8% limit is drawn darker and dashed


@dataclass(frozen=True)
class RatePoint:
    label: str  # e.g. "Oct 2026"
    short_label: str  # e.g. "Oct"
    rate: float | None
    centre: float | None
    upper: float | None
    lower: float | None
    signal: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # the value as shown, e.g. "42" or "$1.2M"
    tone: str = "neutral"  # neutral, danger, warn, ok


_TONES = {"neutral": NEUTRAL, "danger": DANGER, "warn": WARN, "ok": OK, "brand": BRAND}


def _n(value: float) -> str:
    """A coordinate with one decimal place: short, and plenty for a screen."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value == value else "0"


def _open(
    *, width: int, height: int, title: str, desc: str, chart_id: str, css_class: str
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart {css_class}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{escape(FONT)}" font-size="12" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _nice_step(span: float, target_ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _rate_text(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def hours_text(hours: float) -> str:
    """Hours written short: 850, 12k, 1.2M."""
    if round(hours / 1_000) >= 1_000:  # 999,600 is 1M, not "1000k".
        return f"{hours / 1_000_000:.1f}M".replace(".0M", "M")
    if round(hours) >= 1_000:
        return f"{hours / 1_000:.0f}k"
    return f"{hours:.0f}"


def money_text(value) -> str:
    """Dollars as a reader says them aloud: $11.7M, $812k, $950 (never "$1,000k")."""
    amount = float(value)
    if round(abs(amount) / 1_000) >= 1_000:
        return f"${amount / 1_000_000:,.1f}M"
    if round(abs(amount)) >= 10_000:
        return f"${amount / 1_000:,.0f}k"
    return f"${amount:,.0f}"


# --- Funnel plot ---------------------------------------------------------------------------


def funnel_classify(point: FunnelPoint, limit_at: Callable[[str, float], float | None]) -> str:
    """'above_outer', 'above_inner', 'below_inner' or 'within' against the limits."""
    upper_outer = limit_at("upper_outer", point.exposure)
    upper_inner = limit_at("upper_inner", point.exposure)
    lower_inner = limit_at("lower_inner", point.exposure)
    if upper_outer is not None and point.rate > upper_outer:
        return "above_outer"
    if upper_inner is not None and point.rate > upper_inner:
        return "above_inner"
    if lower_inner is not None and point.rate < lower_inner:
        return "below_inner"
    return "within"


FUNNEL_STATUS_COLOURS = {
    "above_outer": DANGER,
    "above_inner": WARN,
    "below_inner": OK,
    "within": NEUTRAL,
}
# Width of an average character of the charts' 12-unit text, to lay the legend out.
_CHAR_WIDTH = 6.0
# Width of a character of an outlier's label: a department code, bold capitals of the 12-unit
# text (up to about 9 units each in DejaVu Sans Bold, 8.8 in Helvetica Bold).
_CODE_CHAR_WIDTH = 9.0
FUNNEL_STATUS_WORDS = {
    "above_outer": "above the 99.8% limit",
    "above_inner": "above the 95% limit",
    "below_inner": "below the 95% lower limit",
    "within": "within the limits",
}


def _legend_rows(*groups, start: float, end: float) -> list[list[tuple[float, tuple]]]:
    """Legend items laid out in rows from `start` to `end`: each group starts a row, and an item
    that would run past `end` goes to the next. Each item is (kind, colour, dash, label); a
    row is a list of (x, item)."""
    rows = []
    for group in groups:
        row, x = [], start
        for item in group:
            key = 28 if item[0] == "line" else 14
            item_width = key + _CHAR_WIDTH * len(item[3])
            if row and x + item_width > end:
                rows.append(row)
                row, x = [], start
            row.append((x, item))
            x += item_width + 14
        rows.append(row)
    return rows


def _legend_draw(out: list[str], rows: list[list[tuple[float, tuple]]]) -> None:
    """Draw legend rows laid out by `_legend_rows`, a row every 20 units from the top: a line
    item as a short stroke in its colour and dash, a dot item as a dot, each with its label."""
    for number, row in enumerate(rows):
        y = 16 + 20 * number
        for x, (kind, colour, dash, label) in row:
            if kind == "line":
                out.append(
                    f'<line x1="{_n(x)}" x2="{_n(x + 22)}" y1="{y}" y2="{y}" '
                    f'stroke="{colour}" stroke-width="2"{dash}/>'
                )
                out.append(f'<text x="{_n(x + 28)}" y="{y + 4}">{escape(label)}</text>')
            else:
                out.append(f'<circle cx="{_n(x + 5)}" cy="{y}" r="5" fill="{colour}"/>')
                out.append(f'<text x="{_n(x + 14)}" y="{y + 4}">{escape(label)}</text>')


def funnel_plot_svg(
    *,
    points: Sequence[FunnelPoint],
    statuses: dict[str, str],
    city_rate: float,
    curves: Sequence[FunnelCurve],
    title: str,
    rate_name: str = "TRIR",
    x_label: str = "Hours worked in the window (log scale)",
    y_label: str = "Recordable cases per 200,000 hours",
    chart_id: str = "funnel",
    highlight: str | None = None,
    width: int = 760,
) -> str:
    """Departments' rates against their exposure, inside the funnel of chance variation.

    `statuses` maps a department code to its funnel_classify() result; departments outside the
    95% limits are labelled with their code. `width` is in the chart's units (its text is 12
    units high): a phone gets one about as wide as its screen, whose legend wraps onto more rows.
    """
    left, right, bottom = (64, 20, 58) if width >= 600 else (60, 22, 58)
    # The axes' titles: a phone's narrower plot takes them a size smaller.
    title_size = 13 if width >= 600 else 12
    # The legend sits above the plot: the lines, then what the dots' colours say.
    legend = _legend_rows(
        [
            ("line", BRAND, "", f"City {rate_name} {_rate_text(city_rate)}"),
            ("line", WARN, "", "95% limits"),
            ("line", DANGER, ' stroke-dasharray="6 4"', "99.8% limits"),
        ],
        [
            ("dot", FUNNEL_STATUS_COLOURS[status], "", label)
            for status, label in (
                ("above_outer", "above the 99.8% limit"),
                ("above_inner", "above the 95% limit"),
                ("below_inner", "below the 95% limit"),
                ("within", "within the limits"),
            )
        ],
        start=left,
        end=width - right,
    )
    top = 16 + 20 * len(legend)
    plot_h = 362 if width >= 600 else 330
    height = top + plot_h + bottom
    plot_w = width - left - right
    exposures = [p.exposure for p in points if p.exposure > 0]
    low = min(exposures, default=1_000.0)
    high = max(exposures, default=1_000_000.0)
    x_min = 10 ** math.floor(math.log10(low * 0.8))
    x_max = 10 ** math.ceil(math.log10(high * 1.25))
    rates = [p.rate for p in points] + [city_rate]
    y_max = max(rates) * 1.15 if max(rates) > 0 else 1.0
    step = _nice_step(y_max)
    y_max = math.ceil(y_max / step) * step

    def x_of(exposure: float) -> float:
        exposure = min(max(exposure, x_min), x_max)
        return left + plot_w * (math.log10(exposure) - math.log10(x_min)) / (
            math.log10(x_max) - math.log10(x_min)
        )

    def y_of(rate: float) -> float:
        return top + plot_h * (1 - min(max(rate, 0.0), y_max) / y_max)

    above = [p for p in points if statuses.get(p.code, "").startswith("above")]
    below = [p for p in points if statuses.get(p.code) == "below_inner"]
    desc = (
        f"{len(points)} departments: {rate_name} against hours worked, with the city's "
        f"{rate_name} of {_rate_text(city_rate)} and 95% and 99.8% limits. "
        + (
            "Above the limits: "
            + ", ".join(f"{p.name} ({_rate_text(p.rate)})" for p in above)
            + ". "
            if above
            else "No department is above the limits. "
        )
        + ("Below the lower limit: " + ", ".join(p.name for p in below) + "." if below else "")
    )
    out = _open(
        width=width,
        height=height,
        title=title,
        desc=desc,
        chart_id=chart_id,
        css_class="chart--funnel",
    )
    out.append(
        f'<clipPath id="{chart_id}-clip"><rect x="{left}" y="{top}" '
        f'width="{plot_w}" height="{plot_h}"/></clipPath>'
    )
    # Grid and axes.
    _plot_area(
        out, left=left, top=top, plot_w=plot_w, plot_h=plot_h, y_max=y_max, step=step, y_of=y_of
    )
    decade = x_min
    while decade <= x_max * 1.0001:
        x = x_of(decade)
        out.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top}" y2="{top + plot_h}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{_n(x)}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'fill="{MUTED}">{hours_text(decade)}</text>'
        )
        decade *= 10
    out.append(
        f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle" '
        f'fill="{INK}" font-size="{title_size}">{escape(x_label)}</text>'
    )
    out.append(
        f'<text transform="translate(16 {top + plot_h / 2}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}" font-size="{title_size}">{escape(y_label)}</text>'
    )

    # Limits and the city's rate. A limit is drawn where it is, not held at the plot's edge:
    # the clip path hides what runs off the top.
    out.append(f'<g clip-path="url(#{chart_id}-clip)" fill="none">')
    for curve in curves:
        coords = [
            f"{_n(x_of(e))},{_n(top + plot_h * (1 - max(r, 0.0) / y_max))}"
            for e, r in zip(curve.exposures, curve.rates, strict=True)
            if e > 0 and r == r and math.isfinite(r)
        ]
        if len(coords) < 2:
            continue
        dash = ' stroke-dasharray="6 4"' if curve.outer else ""
        colour = DANGER if curve.outer else WARN
        out.append(
            f'<polyline points="{" ".join(coords)}" stroke="{colour}" '
            f'stroke-width="1.5"{dash} stroke-opacity="0.8"/>'
        )
    y_city = y_of(city_rate)
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{_n(y_city)}" y2="{_n(y_city)}" '
        f'stroke="{BRAND}" stroke-width="2"/>'
    )
    out.append("</g>")

    # Legend across the top, one row under another.
    _legend_draw(out, legend)

    # Points, the highlighted one last so it sits on top; outliers labelled.
    ordered = sorted(points, key=lambda p: (p.code == highlight, statuses.get(p.code) != "within"))
    taken: list[tuple[float, float, float]] = []
    for point in ordered:
        status = statuses.get(point.code, "within")
        colour = FUNNEL_STATUS_COLOURS[status]
        cx, cy = x_of(point.exposure), y_of(point.rate)
        radius = 7 if point.code == highlight else 5
        ring = f' stroke="{INK}" stroke-width="2"' if point.code == highlight else ' stroke="#fff"'
        out.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{radius}" fill="{colour}"{ring}>'
            f"<title>{escape(point.name)}: {rate_name} {_rate_text(point.rate)}, "
            f"{hours_text(point.exposure)} hours, {FUNNEL_STATUS_WORDS[status]}</title></circle>"
        )
        # Only departments above the limits are named: they are the ones to ask about, and
        # naming every small department near zero would bury them.
        if status.startswith("above") or point.code == highlight:
            # The label's extent across, to move it down below any label it would run into.
            label_w = _CODE_CHAR_WIDTH * len(point.code)
            # Set to the dot's left near the right edge, or where it would run off the chart.
            near_edge = cx > left + plot_w - 70 or cx + 9 + label_w > width - 2
            anchor, dx = ("end", -9) if near_edge else ("start", 9)
            x0 = cx + dx - (label_w if anchor == "end" else 0)
            label_y = cy + 4
            moved = True
            while moved:
                moved = False
                for other_x0, other_x1, other_y in taken:
                    crosses = x0 < other_x1 + 4 and other_x0 < x0 + label_w + 4
                    if crosses and abs(other_y - label_y) < 13:
                        label_y, moved = other_y + 13, True
            taken.append((x0, x0 + label_w, label_y))
            # A white halo keeps a label legible where it crosses a limit curve, and the
            # amber of "above the 95% limit" is darkened for text (#b07400 is 3.9:1 on white).
            fill = INK if status == "within" else WARN_TEXT if colour == WARN else colour
            out.append(
                f'<text x="{_n(cx + dx)}" y="{_n(label_y)}" text-anchor="{anchor}" '
                f'font-weight="600" fill="{fill}" stroke="#fff" stroke-width="3" '
                f'stroke-linejoin="round" paint-order="stroke">{escape(point.code)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


# --- Monthly rate chart --------------------------------------------------------------------


def rate_chart_svg(
    *,
    points: Sequence[RatePoint],
    title: str,
    y_label: str = "Cases per 200,000 hours",
    chart_id: str = "rate",
    width: int = 760,
) -> str:
    """A department's monthly rate with its expected level (centre) and control limits.

    `width` is in the chart's units (its text is 12 of them); below 600 the chart is drawn for
    a phone: its legend on as many rows as it needs, every other month named on the axis.
    """
    legend = [
        ("line", ACCENT, "", "Monthly rate"),
        ("line", BRAND, "", "Expected"),
        ("line", DANGER, ' stroke-dasharray="6 4"', "Upper control limit"),
        ("line", AXIS, ' stroke-dasharray="3 3"', "Lower limit"),
    ]
    left, right, bottom = (60, 20, 44) if width >= 600 else (54, 12, 44)
    legend_rows = _legend_rows(legend, start=left, end=width - right)
    top = 22 + 20 * len(legend_rows)
    height = 300 + top if width >= 600 else 260 + top
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [
        v for p in points for v in (p.rate, p.centre, p.upper) if v is not None and math.isfinite(v)
    ]
    y_max = max(values, default=1.0) * 1.1 or 1.0
    step = _nice_step(y_max)
    y_max = math.ceil(y_max / step) * step
    count = max(len(points), 1)
    slot = plot_w / count

    def x_of(index: int) -> float:
        return left + slot * (index + 0.5)

    def y_of(rate: float) -> float:
        return top + plot_h * (1 - min(max(rate, 0.0), y_max) / y_max)

    signals = [p for p in points if p.signal]
    last = points[-1] if points else None
    desc = (
        f"Monthly rate over {len(points)} months"
        + (
            f", latest {last.label}: {_rate_text(last.rate)}"
            if last and last.rate is not None
            else ""
        )
        + (
            f", expected about {_rate_text(last.centre)}"
            if last and last.centre is not None
            else ""
        )
        + ". "
        + (
            "Months above the upper control limit: " + ", ".join(p.label for p in signals) + "."
            if signals
            else "No month is above the upper control limit."
        )
    )
    out = _open(
        width=width,
        height=height,
        title=title,
        desc=desc,
        chart_id=chart_id,
        css_class="chart--rate",
    )
    _plot_area(
        out, left=left, top=top, plot_w=plot_w, plot_h=plot_h, y_max=y_max, step=step, y_of=y_of
    )
    out.append(
        f'<text transform="translate(16 {top + plot_h / 2}) rotate(-90)" '
        f'text-anchor="middle" font-size="13">{escape(y_label)}</text>'
    )
    every = 1 if count <= 13 and width >= 600 else 2
    for index, point in enumerate(points):
        if (count - 1 - index) % every == 0:  # The latest month always named.
            out.append(
                f'<text x="{_n(x_of(index))}" y="{top + plot_h + 18}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(point.short_label)}</text>'
            )

    def steps(attribute: str) -> str:
        # Limits change month by month with the hours worked, so they are drawn as steps.
        segments = []
        for index, point in enumerate(points):
            value = getattr(point, attribute)
            if value is None or not math.isfinite(value):
                continue
            y = _n(y_of(value))
            segments.append(f"M{_n(x_of(index) - slot / 2)},{y}H{_n(x_of(index) + slot / 2)}")
        return "".join(segments)

    upper = steps("upper")
    if upper:
        out.append(
            f'<path d="{upper}" fill="none" stroke="{DANGER}" stroke-width="1.5" '
            f'stroke-dasharray="6 4"/>'
        )
    lower = steps("lower")
    if lower:
        out.append(
            f'<path d="{lower}" fill="none" stroke="{AXIS}" stroke-width="1.2" '
            f'stroke-dasharray="3 3"/>'
        )
    centre = steps("centre")
    if centre:
        out.append(f'<path d="{centre}" fill="none" stroke="{BRAND}" stroke-width="2"/>')

    line = [
        f"{_n(x_of(i))},{_n(y_of(p.rate))}"
        for i, p in enumerate(points)
        if p.rate is not None and math.isfinite(p.rate)
    ]
    if len(line) > 1:
        out.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{ACCENT}" stroke-width="2"/>'
        )
    for index, point in enumerate(points):
        if point.rate is None or not math.isfinite(point.rate):
            continue
        colour = DANGER if point.signal else ACCENT
        radius = 6 if point.signal else 4
        words = "above the upper control limit" if point.signal else "within the limits"
        out.append(
            f'<circle cx="{_n(x_of(index))}" cy="{_n(y_of(point.rate))}" r="{radius}" '
            f'fill="{colour}" stroke="#fff"><title>{escape(point.label)}: '
            f"{_rate_text(point.rate)}, {words}</title></circle>"
        )
        if point.signal:
            out.append(
                f'<text x="{_n(x_of(index))}" y="{_n(y_of(point.rate) - 10)}" '
                f'text-anchor="middle" fill="{DANGER}" font-weight="600">▲</text>'
            )

    _legend_draw(out, legend_rows)
    out.append("</svg>")
    return "".join(out)


# --- Small bars ----------------------------------------------------------------------------


def bars_svg(*, bars: Sequence[Bar], title: str, chart_id: str = "bars") -> str:
    """Horizontal bars with the label on the left and the value at the bar's end."""
    label_w, bar_w, value_w, row_h = 150, 170, 56, 28
    width = label_w + bar_w + value_w
    height = max(len(bars), 1) * row_h + 8
    biggest = max((b.value for b in bars), default=0) or 1
    desc = "; ".join(f"{b.label}: {b.display}" for b in bars) or "Nothing to show."
    out = _open(
        width=width,
        height=height,
        title=title,
        desc=desc,
        chart_id=chart_id,
        css_class="chart--bars",
    )
    out[0] = out[0].replace('font-size="12"', 'font-size="14"')
    for index, bar in enumerate(bars):
        y = 4 + index * row_h
        length = bar_w * bar.value / biggest if bar.value > 0 else 0
        out.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{escape(bar.label)}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{bar_w}" height="18" rx="3" fill="#eef1f5"/>'
        )
        if length:
            out.append(
                f'<rect x="{label_w}" y="{y + 5}" width="{_n(max(length, 2))}" '
                f'height="18" rx="3" fill="{_TONES.get(bar.tone, NEUTRAL)}"/>'
            )
        out.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 19}" font-weight="600">'
            f"{escape(bar.display)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _plot_area(out: list[str], *, left, top, plot_w, plot_h, y_max, step, y_of) -> None:
    """The white plot area with horizontal grid lines and rate labels every `step`."""
    out.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        f'stroke="{GRID}"/>'
    )
    tick = 0.0
    while tick <= y_max + 1e-9:
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{left - 8}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}">'
            f"{_rate_text(tick)}</text>"
        )
        tick += step
