"""DejaVu Sans, where the system has it (Debian's fonts-dejavu-core), for what Helvetica cannot
print. The PDFs are set in Helvetica, the PDF standard font, which has only the Windows-1252
letters: a name such as "Nguyễn Thị Đào" or "Արամ", an arrow or a minus sign is set in DejaVu
Sans, run by run, so that the layout keeps Helvetica's widths everywhere else."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
UNICODE_FONT = "RiskcabinetUnicode"


def dejavu_file(face: str, folders: tuple[Path, ...] = FOLDERS) -> Path | None:
    """The file of a DejaVu face ("DejaVuSans", "DejaVuSans-Bold"), or None if not installed."""
    for folder in folders:
        path = folder / f"{face}.ttf"
        if path.is_file():
            return path
    return None


def unicode_font(folders: tuple[Path, ...] = FOLDERS) -> str | None:
    """DejaVu Sans registered (once) for the runs Helvetica lacks; None when not installed."""
    if UNICODE_FONT in pdfmetrics.getRegisteredFontNames():
        return UNICODE_FONT
    path = dejavu_file("DejaVuSans", folders)
    if path is None:
        return None
    pdfmetrics.registerFont(TTFont(UNICODE_FONT, str(path)))
    return UNICODE_FONT


def in_helvetica(character: str) -> bool:
    try:
        character.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _runs(text: str) -> list[tuple[bool, str]]:
    """The text cut where it goes in and out of what Helvetica can print."""
    return [
        (printable, "".join(chunk)) for printable, chunk in itertools.groupby(text, in_helvetica)
    ]


def markup(text: str, font: str | None, fallbacks: Mapping[str, str] | None = None) -> str:
    """Escape text for a Paragraph, its runs Helvetica lacks set in `font`; without a font,
    each such character is its fallback, or "?"."""
    pieces = []
    for printable, run in _runs(text):
        if printable:
            pieces.append(escape(run))
        elif font:
            pieces.append(f'<font name="{font}">{escape(run)}</font>')
        else:
            pieces.append(escape("".join((fallbacks or {}).get(c, "?") for c in run)))
    return "".join(pieces)


def draw_string(canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """`canvas.drawString` in `font`, its runs Helvetica lacks set in DejaVu Sans if installed."""
    other = unicode_font()
    for printable, run in _runs(text):
        face = font if printable or other is None else other
        canvas.setFont(face, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, face, size)
    canvas.setFont(font, size)
