"""Type, colour and number formats shared by every page of the packet.

Text is set in Helvetica. Helvetica's standard encoding lacks a few characters the
packet needs (the arrows of a rank change, the prime of Laney's u-prime, a true minus
sign), so DejaVu Sans is registered as a symbol font when it is installed and such
characters are set in it. Without DejaVu Sans the packet falls back to plain text
("+3", "-2", "u'"), so it always builds and always builds the same bytes.
"""

from __future__ import annotations

import math
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from riskcabinet import fonts
from riskcabinet.charts import money_text

# A muted palette that still prints legibly in greyscale.
INK = colors.HexColor("#1F2A3C")
TEXT = colors.HexColor("#2E3440")
MUTED = colors.HexColor("#6B7280")
RULE = colors.HexColor("#D3D8E0")
PANEL = colors.HexColor("#F3F5F8")
HEADER_FILL = colors.HexColor("#E4E9F0")
ZEBRA = colors.HexColor("#F7F8FA")
ACCENT = colors.HexColor("#3E5C84")
ACCENT_LIGHT = colors.HexColor("#A9BBD3")
WORSE = colors.HexColor("#B0493A")
WORSE_LIGHT = colors.HexColor("#F4E1DD")
CAUTION = colors.HexColor("#C08A2B")
BETTER = colors.HexColor("#4F7F57")
WHITE = colors.white

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
ITALIC = "Helvetica-Oblique"

UP = "\u25b2"
DOWN = "\u25bc"
MINUS = "\u2212"
DASH = "\u2013"
EM_DASH = "\u2014"

# Plain-text stand-ins for characters Helvetica lacks, used when DejaVu Sans is absent
# and always inside charts, which are drawn in Helvetica alone.
_PLAIN_FALLBACKS = {UP: "+", DOWN: "-", MINUS: "-", "\u2032": "'", "\u2265": ">=", "\u2264": "<="}


def markup(text: str, symbol_font: str | None) -> str:
    """Escape text for a Paragraph, setting characters Helvetica lacks in the symbol font."""
    return fonts.markup(text, symbol_font, _PLAIN_FALLBACKS)


def plain(text: str) -> str:
    """Text for a chart label, which is drawn in Helvetica alone."""
    return "".join(
        character if fonts.in_helvetica(character) else _PLAIN_FALLBACKS.get(character, "?")
        for character in text
    )


def hex_of(colour: colors.Color) -> str:
    return "#" + colour.hexval()[2:]


def _style(name: str, **overrides: object) -> ParagraphStyle:
    base = {
        "fontName": REGULAR,
        "fontSize": 9,
        "leading": 12,
        "textColor": TEXT,
        "alignment": TA_LEFT,
    }
    base.update(overrides)
    return ParagraphStyle(name, **base)


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", fontSize=9.5, leading=13.5),
    "small": _style("small", fontSize=8, leading=10.5),
    "muted": _style("muted", fontSize=8, leading=10.5, textColor=MUTED),
    "caption": _style("caption", fontSize=8, leading=10.5, textColor=MUTED, spaceBefore=3),
    "h1": _style("h1", fontName=BOLD, fontSize=18, leading=22, textColor=INK, spaceAfter=2),
    "kicker": _style("kicker", fontName=BOLD, fontSize=8, leading=10, textColor=ACCENT),
    "lede": _style("lede", fontSize=10, leading=14, textColor=MUTED, spaceAfter=10),
    "h2": _style(
        "h2", fontName=BOLD, fontSize=11.5, leading=15, textColor=INK, spaceBefore=12, spaceAfter=5
    ),
    "h3": _style("h3", fontName=BOLD, fontSize=9.5, leading=12, textColor=INK, spaceAfter=3),
    "cell": _style("cell", fontSize=8.5, leading=10.5),
    "cell_bold": _style("cell_bold", fontName=BOLD, fontSize=8.5, leading=10.5),
    "cell_right": _style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "cell_note": _style("cell_note", fontSize=7.5, leading=9.5, textColor=MUTED),
    "cell_head": _style("cell_head", fontName=BOLD, fontSize=7.5, leading=9, textColor=INK),
    "cell_head_right": _style(
        "cell_head_right", fontName=BOLD, fontSize=7.5, leading=9, textColor=INK, alignment=TA_RIGHT
    ),
    "tile_label": _style("tile_label", fontName=BOLD, fontSize=7.5, leading=9.5, textColor=MUTED),
    "tile_value": _style("tile_value", fontName=BOLD, fontSize=22, leading=25, textColor=INK),
    "tile_note": _style("tile_note", fontSize=8, leading=10.5),
    "contents_entry": _style("contents_entry", fontSize=8, leading=10.5, leftIndent=12),
    "none": _style("none", fontName=ITALIC, fontSize=9.5, leading=13, textColor=MUTED),
}

NONE_THIS_MONTH = "None this month."

# Month names are spelt out here rather than taken from the calendar module, whose names
# follow the server's locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_label(month: str) -> str:
    """'2026-10' -> 'October 2026'."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def short_month_label(month: str) -> str:
    """'2026-10' -> "Oct '26"."""
    return f"{month_label(month)[:3]} \u2019{month[2:4]}"


def format_rate(value: float | None) -> str:
    return EM_DASH if value is None or math.isnan(value) else f"{value:,.1f}"


def format_rate_precise(value: float | None) -> str:
    return EM_DASH if value is None or math.isnan(value) else f"{value:,.2f}"


def format_count(value: int) -> str:
    return f"{value:,}"


def format_money(value: Decimal | float | int) -> str:
    return money_text(value)  # As the dashboard writes it.


def format_hours(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:,.1f} million"
    return f"{value:,.0f}"


def format_signed(value: float, digits: int = 1, suffix: str = "") -> str:
    """'+0.3' or '\u22120.3' (a true minus sign, set in the symbol font where needed)."""
    text = f"{abs(value):,.{digits}f}{suffix}"
    if round(value, digits) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text
