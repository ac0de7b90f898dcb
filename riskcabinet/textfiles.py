"""CSV files as text, uploaded and downloaded. Pure Python, so the scoring package can use it."""

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A value for a CSV cell that a spreadsheet shows as typed: text that would start a
    formula (someone's "=HYPERLINK(...)" in a narrative, say) gets a leading apostrophe, which
    spreadsheets read as "this is text". Numbers and empty values pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def separator_hint(header: list[str] | tuple[str, ...]) -> str:
    """What to add to a "missing column" message when the header was read as one column because
    the file is separated by semicolons or tabs (a spreadsheet saved with another region's list
    separator), else nothing."""
    if len(header) != 1:
        return ""
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if separator in header[0]:
            return f" (its columns are separated by {name}: save it as comma-separated CSV)"
    return ""


def utf8_text(raw: bytes, name: str, error: type[Exception]) -> str:
    """The text of a file saved as UTF-8 (a leading byte-order mark is dropped).

    Anything else raises ``error`` naming the file, the line of the first bad byte and the
    byte itself: a spreadsheet saved in another encoding is the usual cause, and the line tells
    the person where to look.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise error(
            f"{name}, line {line}: the file is not UTF-8 text "
            f"(byte 0x{raw[problem.start]:02x}); save it as UTF-8 CSV"
        ) from None
