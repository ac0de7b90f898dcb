"""DejaVu Sans and a Chinese, Japanese and Korean font, where the system has them, for what
Helvetica cannot print. The PDFs are set in Helvetica, the PDF standard font, which has only the
Windows-1252 letters: a name such as "Nguyễn Thị Đào" or "Արամ", an arrow or a minus sign is set
in DejaVu Sans (Debian's fonts-dejavu-core), and a name such as "王小明", "김민준" or "山田太郎",
which DejaVu Sans lacks, in WenQuanYi Micro Hei (fonts-wqy-microhei), run by run, so that the
layout keeps Helvetica's widths everywhere else. Both fonts are TrueType and embedded (only the
letters used), so a form prints the same on any reader. A letter no installed font has is "?"."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
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

# TrueType collections with Chinese (simplified and traditional), Japanese kana and Korean
# Hangul, first found first: WenQuanYi Micro Hei (Debian's fonts-wqy-microhei), or Zen Hei
# (fonts-wqy-zenhei). The first face of each is the proportional one. Noto CJK and Source Han
# have PostScript (CFF) outlines, which reportlab cannot embed.
CJK_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc"),
)
CJK_FONT = "RiskcabinetCJK"


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


def cjk_file(files: tuple[Path, ...] = CJK_FILES) -> Path | None:
    """The first installed font file for Chinese, Japanese and Korean, or None."""
    return next((path for path in files if path.is_file()), None)


def cjk_font(files: tuple[Path, ...] = CJK_FILES) -> str | None:
    """The Chinese, Japanese and Korean font registered (once); None when not installed."""
    if CJK_FONT in pdfmetrics.getRegisteredFontNames():
        return CJK_FONT
    path = cjk_file(files)
    if path is None:
        return None
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(path), subfontIndex=0))
    return CJK_FONT


def unicode_fonts() -> tuple[str, ...]:
    """The installed fonts for what Helvetica lacks, in the order they are tried."""
    return tuple(font for font in (unicode_font(), cjk_font()) if font)


def in_helvetica(character: str) -> bool:
    try:
        character.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def has_glyph(font: str, character: str) -> bool:
    """Whether a registered TrueType font draws the character (rather than an empty box). A font
    whose letters are not known is taken to have them all."""
    try:
        face = pdfmetrics.getFont(font).face
    except (KeyError, AttributeError):
        return True
    glyphs = getattr(face, "charToGlyph", None)
    return glyphs is None or ord(character) in glyphs


def _font_of(character: str, fonts: Sequence[str]) -> str | None:
    """An empty name for Helvetica, else the first of `fonts` with the character, else None."""
    if in_helvetica(character):
        return ""
    return next((font for font in fonts if has_glyph(font, character)), None)


def _runs(text: str, fonts: Sequence[str]) -> list[tuple[str | None, str]]:
    """The text cut where the font that can print it changes: "" for Helvetica, a name from
    `fonts`, or None for letters none of them has."""
    return [
        (font, "".join(chunk))
        for font, chunk in itertools.groupby(text, lambda c: _font_of(c, fonts))
    ]


def _as_fonts(font: str | Sequence[str] | None) -> tuple[str, ...]:
    if not font:
        return ()
    return (font,) if isinstance(font, str) else tuple(font)


def markup(
    text: str, font: str | Sequence[str] | None, fallbacks: Mapping[str, str] | None = None
) -> str:
    """Escape text for a Paragraph, its runs Helvetica lacks set in `font` (or the first of the
    fonts that has them); a character no such font has is its fallback, or "?"."""
    pieces = []
    for face, run in _runs(text, _as_fonts(font)):
        if face == "":
            pieces.append(escape(run))
        elif face:
            pieces.append(f'<font name="{face}">{escape(run)}</font>')
        else:
            pieces.append(escape("".join((fallbacks or {}).get(c, "?") for c in run)))
    return "".join(pieces)


def _drawn_runs(text: str, font: str) -> list[tuple[str, str]]:
    """The runs of a line drawn on the canvas, each with its font: `font` where Helvetica prints
    it, DejaVu Sans or the Chinese, Japanese and Korean font where installed, else "?"."""
    runs = []
    for face, run in _runs(text, unicode_fonts()):
        if face:
            runs.append((face, run))
        else:
            runs.append((font, run if face == "" else "?" * len(run)))
    return runs


def string_width(text: str, font: str, size: float) -> float:
    """The width of `text` as `draw_string` draws it."""
    return sum(pdfmetrics.stringWidth(run, face, size) for face, run in _drawn_runs(text, font))


def clip_to_width(text: str, font: str, size: float, width: float) -> str:
    """`text` on one line (its spacing evened out), cut with "…" where it would run past
    `width` as `draw_string` sets it: a Chinese, Japanese or Korean letter is about twice as wide
    as a Latin one, so a count of letters does not say what fits."""
    text = " ".join((text or "").split())
    if string_width(text, font, size) <= width:
        return text
    # The longest start that fits with the ellipsis after it.
    fits, longer = 0, len(text)
    while longer - fits > 1:
        middle = (fits + longer) // 2
        if string_width(text[:middle].rstrip() + "\u2026", font, size) <= width:
            fits = middle
        else:
            longer = middle
    return text[:fits].rstrip() + "\u2026"


def draw_string(canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """`canvas.drawString` in `font`, its runs Helvetica lacks set in DejaVu Sans or the Chinese,
    Japanese and Korean font where installed, and as "?" where neither has them."""
    for face, run in _drawn_runs(text, font):
        canvas.setFont(face, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, face, size)
    canvas.setFont(font, size)


def draw_right_string(canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """`canvas.drawRightString` as `draw_string` sets it."""
    draw_string(canvas, x - string_width(text, font, size), y, text, font, size)
