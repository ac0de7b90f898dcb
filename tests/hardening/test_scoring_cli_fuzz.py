"""`python -m riskcabinet.scoring rank|backtest` under generated CSV files: exit 0 or 2, and for
bad input one line on standard error naming the file, the data row and the column."""

import csv
import io
import itertools
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from riskcabinet.scoring import validation
from riskcabinet.scoring.cli import main
from riskcabinet.scoring.settings import INCIDENT_TYPES, SEVERITIES
from tests.hardening.helpers import FUZZ, assert_no_traceback

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "python -m riskcabinet.scoring"
INCIDENT_COLUMNS = list(validation.INCIDENT_COLUMNS)
EXPOSURE_COLUMNS = list(validation.EXPOSURE_COLUMNS)
DEPARTMENTS = ["LASAN", "LAFD", "LADOT", "RAP"]
MONTHS = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
_files = itertools.count()


def _good_exposure() -> list[list[str]]:
    return [[code, month, "16000", "100"] for code in DEPARTMENTS for month in MONTHS]


def _good_incidents() -> list[list[str]]:
    rows = []
    for index, (code, month) in enumerate(itertools.product(DEPARTMENTS, MONTHS)):
        severity = SEVERITIES[index % len(SEVERITIES)]
        days = "3" if severity == "days_away" else "0"
        rows.append([code, f"{month}-{index % 27 + 1:02d}", severity, "yes", days, "0", "vehicle"])
    return rows


def _write(directory: Path, stem: str, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = directory / f"{stem}-{next(_files)}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _cli(capsys, command: str, incidents: Path, exposure: Path) -> tuple[int, str, str]:
    argv = [command, "--incidents", str(incidents), "--exposure", str(exposure)]
    if command == "rank":
        argv += ["--as-of", "2025-12"]
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    assert_no_traceback(out + err)
    return status, out, err


def _assert_one_line_error(err: str, *names: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"{PROGRAM}: error: "), line
    assert any(name in line for name in names), (names, line)
    return line


def test_it_ranks_and_backtests_good_files(tmp_path, capsys):
    incidents = _write(tmp_path, "incidents", INCIDENT_COLUMNS, _good_incidents())
    exposure = _write(tmp_path, "exposure", EXPOSURE_COLUMNS, _good_exposure())
    for command in ("rank", "backtest"):
        status, out, err = _cli(capsys, command, incidents, exposure)
        assert (status, err) == (0, "")
        assert out.strip()


# --- One bad cell in otherwise good files ------------------------------------------------------

no_digits = st.text(alphabet=st.characters(exclude_categories=("Nd", "Cs")), max_size=12)
not_a_count = st.one_of(
    st.integers(max_value=-1).map(str),
    st.sampled_from(["1.5", "NaN", "inf", "-inf", "1e400", "true", "x12"]),
    no_digits.filter(lambda value: value.strip() not in ("",)),
)
BAD_INCIDENT_CELLS = {
    "department": st.sampled_from(["", "   "]),
    "occurred_on": st.one_of(
        st.sampled_from(["", "2025-02-30", "2025/01/05", "05-01-2025", "2025-13-01", "0000-01-01"]),
        no_digits,
    ),
    "severity": st.text(max_size=12).filter(lambda value: value.strip().lower() not in SEVERITIES),
    "recordable": st.text(max_size=8).filter(
        lambda value: (
            value.strip().lower() not in ("true", "t", "yes", "y", "1")
            and value.strip().lower() not in ("false", "f", "no", "n", "0")
        )
    ),
    "days_away": not_a_count,
    "days_restricted": not_a_count,
    "incident_type": st.text(max_size=12).filter(
        lambda value: value.strip().lower() not in INCIDENT_TYPES
    ),
}
BAD_EXPOSURE_CELLS = {
    "department": st.sampled_from(["", " "]),
    "month": st.one_of(st.sampled_from(["", "2025-13", "25-01", "2025/01", "0000-00"]), no_digits),
    "hours_worked": st.one_of(
        st.integers(max_value=-1).map(str), st.sampled_from(["NaN", "inf", "1e400", "lots"])
    ),
    "headcount": st.one_of(
        st.integers(max_value=-1).map(str), st.sampled_from(["NaN", "-inf", "many"])
    ),
}


@st.composite
def one_bad_cell(draw):
    which = draw(st.sampled_from(["incidents", "exposure"]))
    cells = BAD_INCIDENT_CELLS if which == "incidents" else BAD_EXPOSURE_CELLS
    column = draw(st.sampled_from(sorted(cells)))
    value = draw(cells[column])
    rows = _good_incidents() if which == "incidents" else _good_exposure()
    row = draw(st.integers(min_value=0, max_value=len(rows) - 1))
    return which, column, value, row


@FUZZ
@given(bad=one_bad_cell(), command=st.sampled_from(["rank", "backtest"]))
def test_it_names_the_file_row_and_column_of_a_bad_cell(tmp_path, capsys, bad, command):
    which, column, value, row = bad
    incident_rows, exposure_rows = _good_incidents(), _good_exposure()
    rows, header = (
        (incident_rows, INCIDENT_COLUMNS)
        if which == "incidents"
        else (exposure_rows, EXPOSURE_COLUMNS)
    )
    rows[row][header.index(column)] = value
    incidents = _write(tmp_path, "incidents", INCIDENT_COLUMNS, incident_rows)
    exposure = _write(tmp_path, "exposure", EXPOSURE_COLUMNS, exposure_rows)

    status, out, err = _cli(capsys, command, incidents, exposure)

    assert status == 2, (out, err)
    named = incidents.name if which == "incidents" else exposure.name
    line = _assert_one_line_error(err, named)
    assert f"data row {row + 1}," in line, line
    assert f"column '{column}'" in line, line


# --- Anything at all ---------------------------------------------------------------------------

junk = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
    st.sampled_from(["", "2025-06-15", "2025-06", "yes", "medical", "injury_illness", "LASAN"]),
)
any_header = st.one_of(
    st.just(INCIDENT_COLUMNS),
    st.just(EXPOSURE_COLUMNS),
    st.lists(
        st.sampled_from(INCIDENT_COLUMNS + EXPOSURE_COLUMNS + ["", "note"]), min_size=1, max_size=9
    ),
)


@st.composite
def any_csv(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "table", "good-with-junk"]))
    if kind == "bytes":
        return draw(
            st.one_of(
                st.binary(max_size=200),
                st.text(max_size=100).map(lambda text: text.encode("utf-16")),
                st.just(b"\xef\xbb\xbf"),
                st.just(b""),
            )
        )
    header = draw(any_header)
    rows = draw(st.lists(st.lists(junk, min_size=0, max_size=len(header) + 1), max_size=6))
    if kind == "good-with-junk":
        header = draw(st.sampled_from([INCIDENT_COLUMNS, EXPOSURE_COLUMNS]))
        base = _good_incidents() if header == INCIDENT_COLUMNS else _good_exposure()
        rows = base[: draw(st.integers(1, 40))] + rows
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + buffer.getvalue()).encode()


@FUZZ
@given(
    incidents_bytes=any_csv(),
    exposure_bytes=any_csv(),
    command=st.sampled_from(["rank", "backtest"]),
)
def test_it_exits_0_or_2_with_one_clear_line_whatever_the_files(
    tmp_path, capsys, incidents_bytes, exposure_bytes, command
):
    incidents = tmp_path / f"incidents-{next(_files)}.csv"
    exposure = tmp_path / f"exposure-{next(_files)}.csv"
    incidents.write_bytes(incidents_bytes)
    exposure.write_bytes(exposure_bytes)

    status, out, err = _cli(capsys, command, incidents, exposure)

    assert status in (0, 2)
    if status == 2:
        _assert_one_line_error(err, incidents.name, exposure.name)
    else:
        assert out.strip()


# --- The real entry point ----------------------------------------------------------------------


def _subprocess(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "riskcabinet.scoring", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_refuses_a_bad_file_without_a_traceback_from_the_real_entry_point(tmp_path):
    rows = _good_incidents()
    rows[4][INCIDENT_COLUMNS.index("days_away")] = "-3"
    incidents = _write(tmp_path, "incidents", INCIDENT_COLUMNS, rows)
    exposure = tmp_path / "exposure.csv"
    exposure.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    good_incidents = _write(tmp_path, "incidents", INCIDENT_COLUMNS, _good_incidents())
    good_exposure = _write(tmp_path, "exposure", EXPOSURE_COLUMNS, _good_exposure())
    for bad_exposure in (False, True):
        result = _subprocess(
            "rank",
            "--incidents",
            str(good_incidents if bad_exposure else incidents),
            "--exposure",
            str(exposure if bad_exposure else good_exposure),
            "--as-of",
            "2025-12",
        )
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        named = exposure.name if bad_exposure else incidents.name
        line = _assert_one_line_error(result.stderr, named)
        if not bad_exposure:
            assert "data row 5, column 'days_away'" in line


def test_it_backtests_good_files_from_the_real_entry_point(tmp_path):
    incidents = _write(tmp_path, "incidents", INCIDENT_COLUMNS, _good_incidents())
    exposure = _write(tmp_path, "exposure", EXPOSURE_COLUMNS, _good_exposure())
    result = _subprocess("backtest", "--incidents", str(incidents), "--exposure", str(exposure))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Backtest" in result.stdout
