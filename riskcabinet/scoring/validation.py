"""Reading and checking the two inputs: incidents and monthly exposure.

Every problem becomes a `ScoringInputError` whose message is one line naming the source, the
1-based *data row* (the header is not counted, and a quoted field may span several lines, so data
rows are not file lines) and the column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from riskcabinet.scoring.settings import INCIDENT_TYPES, SEVERITIES
from riskcabinet.textfiles import utf8_text

INCIDENT_COLUMNS = (
    "department",
    "occurred_on",
    "severity",
    "recordable",
    "days_away",
    "days_restricted",
    "incident_type",
)
EXPOSURE_COLUMNS = ("department", "month", "hours_worked", "headcount")

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


class ScoringInputError(ValueError):
    """An input file or frame the engine cannot use; the message says where and why."""


def read_csv_file(path: str | Path) -> pd.DataFrame:
    """Read a CSV file as text columns, refusing empty files and text that is not UTF-8."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScoringInputError(f"{path}: cannot read the file ({error.strerror})") from None
    if not raw.strip():
        raise ScoringInputError(f"{name}: the file is empty")
    text = utf8_text(raw, name, ScoringInputError)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1]
        raise ScoringInputError(f"{name}: not a readable CSV file ({detail})") from None
    except pd.errors.EmptyDataError:
        raise ScoringInputError(f"{name}: the file is empty") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.empty:
        raise ScoringInputError(f"{name}: the file has a header but no data rows")
    return frame


def _fail(source: str, position: int, column: str, problem: str) -> ScoringInputError:
    return ScoringInputError(f"{source}, data row {position + 1}, column '{column}': {problem}")


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ScoringInputError(
            f"{source}, header (line 1): missing column '{missing[0]}' "
            f"(required: {', '.join(columns)})"
        )


def _as_text(series: pd.Series) -> pd.Series:
    """Values as stripped strings, with missing values as empty strings."""
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[str], list]:
    """Codes into the distinct values, those values as stripped text, and the values themselves.

    Columns such as department, severity or date repeat a few values a million times, so every
    check and conversion runs on the distinct values only and is mapped back through the codes.
    Missing values become the text "" (code pointing at an added empty value).
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = list(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    text = [
        ""
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value).strip()
        for value in values
    ]
    return codes, text, values


def _parse_text_column(
    series: pd.Series, source: str, column: str, allowed: tuple[str, ...]
) -> pd.Categorical:
    codes, text, _ = _distinct(series)
    lowered = [value.lower() for value in text]
    mapped = pd.Index(list(allowed)).get_indexer(lowered)
    bad_distinct = np.flatnonzero(mapped < 0)
    if len(bad_distinct):
        position = _first_bad(np.isin(codes, bad_distinct))
        shown = lowered[codes[position]]
        problem = "empty value" if shown == "" else f"unknown value '{shown}'"
        raise _fail(source, position, column, f"{problem} (expected one of {', '.join(allowed)})")
    return pd.Categorical.from_codes(mapped[codes], categories=list(allowed))


def _parse_department(series: pd.Series, source: str) -> pd.Series:
    codes, text, _ = _distinct(series)
    empty = [index for index, value in enumerate(text) if value == ""]
    if empty:
        raise _fail(source, _first_bad(np.isin(codes, empty)), "department", "empty value")
    return pd.Series(np.array(text, dtype=object)[codes], dtype=str)


# Ceilings no real row reaches: they catch a unit mix-up or a corrupt cell before it skews a
# rate. Ten years of days on one case; a billion hours in one department-month.
CEILINGS = {
    "days_away": 3650,
    "days_restricted": 3650,
    "hours_worked": 1e9,
    "headcount": 1e7,
}


def _parse_count(series: pd.Series, source: str, column: str, *, integer: bool) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series.dtype):
        raise _fail(source, 0, column, "expected a number, found true/false")
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
        bad = ~np.isfinite(values)
        if bad.any():
            position = _first_bad(bad)
            raise _fail(source, position, column, f"not a number: '{series.iloc[position]}'")
    else:
        codes, text, _ = _distinct(series)
        cleaned = pd.Series([value.replace(",", "") or "0" for value in text], dtype=object)
        distinct_values = pd.to_numeric(cleaned, errors="coerce").astype(float).to_numpy()
        bad_distinct = np.flatnonzero(~np.isfinite(distinct_values))
        if len(bad_distinct):
            position = _first_bad(np.isin(codes, bad_distinct))
            raise _fail(source, position, column, f"not a number: '{text[codes[position]]}'")
        values = distinct_values[codes]
    negative = values < 0
    if negative.any():
        position = _first_bad(negative)
        raise _fail(source, position, column, f"negative number {values[position]:g}")
    ceiling = CEILINGS.get(column)
    too_large = values > ceiling if ceiling is not None else np.zeros(len(values), dtype=bool)
    if too_large.any():
        position = _first_bad(too_large)
        raise _fail(
            source,
            position,
            column,
            f"{values[position]:g} is more than {ceiling:g}; check the unit",
        )
    if integer:
        fractional = values != np.floor(values)
        if fractional.any():
            position = _first_bad(fractional)
            raise _fail(
                source, position, column, f"expected a whole number, found {values[position]:g}"
            )
    return values


def _parse_bool(series: pd.Series, source: str, column: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series.dtype) and not series.isna().any():
        return series.to_numpy(dtype=bool)
    codes, text, _ = _distinct(series)
    lowered = [value.lower() for value in text]
    meaning = np.array([1 if value in _TRUE else 0 if value in _FALSE else -1 for value in lowered])
    bad_distinct = np.flatnonzero(meaning < 0)
    if len(bad_distinct):
        position = _first_bad(np.isin(codes, bad_distinct))
        raise _fail(
            source, position, column, f"expected true or false, found '{lowered[codes[position]]}'"
        )
    return meaning[codes].astype(bool)


def _parse_dates(series: pd.Series, source: str, column: str, fmt: str, shape: str) -> pd.Series:
    """Dates from ISO text (strictly `fmt`) or from date/datetime objects (frames built in code)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = pd.Series(pd.to_datetime(series)).reset_index(drop=True)
        if parsed.dt.tz is not None:
            parsed = parsed.dt.tz_localize(None)
        bad = parsed.isna().to_numpy()
        if bad.any():
            raise _fail(source, _first_bad(bad), column, f"empty date (expected {shape})")
        return parsed
    if isinstance(series.dtype, pd.PeriodDtype):
        return series.dt.to_timestamp().reset_index(drop=True)
    codes, text, values = _distinct(series)
    distinct = []
    for value, shown in zip(values, text, strict=True):
        if isinstance(value, str):
            distinct.append(pd.to_datetime(shown, format=fmt, errors="coerce"))
        elif value is None or pd.isna(value):
            distinct.append(pd.NaT)
        else:
            try:
                distinct.append(pd.Timestamp(value))
            except (TypeError, ValueError):
                distinct.append(pd.NaT)
    distinct_index = pd.DatetimeIndex(distinct)
    bad_distinct = np.flatnonzero(distinct_index.isna())
    if len(bad_distinct):
        position = _first_bad(np.isin(codes, bad_distinct))
        value = text[codes[position]]
        problem = "empty date" if value in ("", "NaT", "nan") else f"bad date '{value}'"
        raise _fail(source, position, column, f"{problem} (expected {shape})")
    return pd.Series(distinct_index[codes])


def month_index(timestamps: pd.Series) -> np.ndarray:
    """Months as integers (year * 12 + month - 1), so that consecutive months differ by one."""
    return (timestamps.dt.year.to_numpy() * 12 + timestamps.dt.month.to_numpy() - 1).astype(
        np.int64
    )


def month_label(index: int) -> str:
    """The YYYY-MM label of a month index."""
    year, month = divmod(int(index), 12)
    return f"{year:04d}-{month + 1:02d}"


def parse_month(text: str, what: str = "--as-of") -> int:
    """The month index of a YYYY-MM string, or a clear error."""
    try:
        stamp = pd.to_datetime(str(text).strip(), format="%Y-%m")
    except (ValueError, TypeError):
        raise ScoringInputError(f"{what}: bad month '{text}' (expected YYYY-MM)") from None
    return int(stamp.year * 12 + stamp.month - 1)


def validate_incidents(frame: pd.DataFrame, source: str = "incidents") -> pd.DataFrame:
    """Check an incidents frame and return it typed.

    Columns in: department, occurred_on (YYYY-MM-DD text or dates), severity, recordable,
    days_away, days_restricted, incident_type; other columns are ignored. Empty day counts mean 0.
    Columns out: the same, typed (occurred_on as datetime64, severity and incident_type as
    categoricals, recordable as bool, day counts as int), plus `month` (an integer month index).
    Raises `ScoringInputError` naming the source, data row and column of the first problem.
    """
    _require_columns(frame, INCIDENT_COLUMNS, source)
    frame = frame.reset_index(drop=True)
    occurred_on = _parse_dates(
        frame["occurred_on"], source, "occurred_on", "%Y-%m-%d", "YYYY-MM-DD"
    )
    clean = pd.DataFrame(
        {
            "department": _parse_department(frame["department"], source),
            "occurred_on": occurred_on,
            "severity": _parse_text_column(frame["severity"], source, "severity", SEVERITIES),
            "recordable": _parse_bool(frame["recordable"], source, "recordable"),
            "days_away": _parse_count(frame["days_away"], source, "days_away", integer=True),
            "days_restricted": _parse_count(
                frame["days_restricted"], source, "days_restricted", integer=True
            ),
            "incident_type": _parse_text_column(
                frame["incident_type"], source, "incident_type", INCIDENT_TYPES
            ),
        }
    )
    clean["days_away"] = clean["days_away"].astype(np.int64)
    clean["days_restricted"] = clean["days_restricted"].astype(np.int64)
    clean["month"] = month_index(occurred_on)
    return clean


def validate_exposure(frame: pd.DataFrame, source: str = "exposure") -> pd.DataFrame:
    """Check an exposure frame (one row per department and month) and return it typed.

    Columns in: department, month (YYYY-MM text, or dates of any day in the month),
    hours_worked, headcount; other columns are ignored. Columns out: department, month (integer
    month index), month_start (datetime64), hours_worked (float), headcount (float).
    Raises `ScoringInputError` for the first problem, including a department-month given twice.
    """
    _require_columns(frame, EXPOSURE_COLUMNS, source)
    if frame.empty:
        raise ScoringInputError(f"{source}: no exposure rows")
    frame = frame.reset_index(drop=True)
    month_start = _parse_dates(frame["month"], source, "month", "%Y-%m", "YYYY-MM")
    clean = pd.DataFrame(
        {
            "department": _parse_department(frame["department"], source),
            "month": month_index(month_start),
            "hours_worked": _parse_count(
                frame["hours_worked"], source, "hours_worked", integer=False
            ),
            "headcount": _parse_count(frame["headcount"], source, "headcount", integer=False),
        }
    )
    clean["month_start"] = month_start.dt.to_period("M").dt.to_timestamp()
    duplicated = clean.duplicated(["department", "month"]).to_numpy()
    if duplicated.any():
        position = _first_bad(duplicated)
        raise _fail(
            source,
            position,
            "month",
            f"department '{clean['department'].iloc[position]}' has "
            f"{month_label(clean['month'].iloc[position])} twice",
        )
    return clean
