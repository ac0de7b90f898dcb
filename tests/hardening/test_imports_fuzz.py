"""The CSV import commands under generated files: a clear message, never a traceback, and the
good rows of a file still imported whatever the bad rows around them hold."""

import csv
import io
import itertools
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from incidents.models import Claim, Incident
from riskcabinet.models import ExposureMonth
from tests.factories import DepartmentFactory
from tests.hardening.helpers import FUZZ, FUZZ_FEW, assert_no_traceback

pytestmark = pytest.mark.django_db

_runs = itertools.count()

CLAIM_HEADER = [
    "claim_number",
    "opened_on",
    "status",
    "paid_to_date",
    "total_incurred",
    "lost_days",
]
INCIDENT_HEADER = [
    "external_id",
    "department",
    "occurred_at",
    "incident_type",
    "severity",
    "narrative",
    "location",
    "recordable",
    "days_away",
    "days_restricted",
]
EXPOSURE_HEADER = ["department", "month", "hours_worked", "headcount"]

junk = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.sampled_from('\x00\x01",;\r\n\t \ufeff\u2028٣²-9eE.$'), max_size=10),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
    st.sampled_from(["", "NaN", "inf", "-0", "1e400", "1e-400", "0000-01", "9999-12-31T23:59"]),
)
huge = st.integers(min_value=10**10, max_value=10**60).map(str)
negative = st.integers(max_value=-1).map(str)
clean_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda value: value.strip())


@pytest.fixture
def department():
    return DepartmentFactory(code="LASAN", name="Sanitation")


def _file(directory: Path, payload: bytes) -> Path:
    path = directory / f"upload-{next(_runs)}.csv"
    path.write_bytes(payload)
    return path


def _run(command: str, path: Path, *args: str) -> tuple[str, str, str | None]:
    """Run a command: (stdout, stderr, CommandError message or None). Anything else fails."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err)
        error = None
    except CommandError as refusal:
        error = str(refusal)
        assert error.strip()
        assert "\n" not in error.strip() or "line" in error
    for text in (out.getvalue(), err.getvalue(), error or ""):
        assert_no_traceback(text)
    return out.getvalue(), err.getvalue(), error


def _csv(header: list[str], rows: list[list[str]]) -> tuple[str, list[tuple[int, int]]]:
    """CSV text and, for each row, the first and last physical line it spans."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    spans = []
    for row in rows:
        start = len(re.findall(r"\r\n|\r|\n", buffer.getvalue())) + 1
        writer.writerow(row)
        end = len(re.findall(r"\r\n|\r|\n", buffer.getvalue()))
        spans.append((start, end))
    return buffer.getvalue(), spans


def _reported_lines(stderr: str) -> set[int]:
    return {int(number) for number in re.findall(r"line (\d+)", stderr)}


def _assert_each_bad_row_listed(stderr: str, spans: list[tuple[int, int]]) -> None:
    reported = _reported_lines(stderr)
    for start, end in spans:
        assert any(start <= line <= end for line in reported), (start, end, stderr)


# --- Whole files that are not what the command expects -----------------------------------------

awkward_files = st.one_of(
    st.binary(max_size=300),
    st.just(b""),
    st.just(b"\xef\xbb\xbf"),
    st.just(b"\n\n\n"),
    st.text(max_size=200).map(lambda text: text.encode("utf-16")),
    st.text(max_size=200).map(lambda text: text.encode("latin-1", "replace") + b"\xe9\xff"),
    st.builds(
        lambda header, body, bom: (bom + ",".join(header) + "\n" + body).encode(),
        st.lists(
            st.sampled_from(
                CLAIM_HEADER
                + INCIDENT_HEADER
                + ["", "x", "employee_id", "date_of_injury", "incident_reference"]
            ),
            max_size=12,
        ),
        st.text(max_size=200),
        st.sampled_from(["", "\ufeff"]),
    ),
    st.builds(
        lambda header: (",".join(header) + '\n"' + "x" * 140_000 + '"\n').encode(),
        st.sampled_from([CLAIM_HEADER, INCIDENT_HEADER, EXPOSURE_HEADER]),
    ),
)


@FUZZ
@given(payload=awkward_files, which=st.sampled_from(["claims", "incidents", "exposure"]))
def test_it_answers_any_file_with_a_message_and_never_a_traceback(
    tmp_path, department, payload, which
):
    path = _file(tmp_path, payload)
    if which == "claims":
        out, err, error = _run("import_claims", path)
    elif which == "incidents":
        out, err, error = _run("import_incidents", path, "--format", "generic-csv")
    else:
        out, err, error = _run("import_exposure", path)
    assert error or out.strip()


def test_it_names_the_file_when_it_is_not_utf8(tmp_path, department):
    payload = "claim_number,opened_on\nWC-1,Café\n".encode("latin-1")
    for command, args in (
        ("import_claims", ()),
        ("import_incidents", ("--format", "generic-csv")),
        ("import_exposure", ()),
    ):
        path = _file(tmp_path, payload)
        _, _, error = _run(command, path, *args)
        assert error is not None
        assert "UTF-8" in error
        assert path.name in error


# --- Claims ------------------------------------------------------------------------------------


def _good_claim(number: str, amount: int, lost: int) -> list[str]:
    # Incurred (paid plus reserves) is never below paid: a row with less is refused.
    return [number, "2026-03-02", "open", f"${amount:,}.50", f"{amount * 2 + 1}.00", str(lost)]


bad_claim_changes = st.one_of(
    junk.filter(
        lambda value: value.strip().lower() not in ("open", "reopened", "closed", "denied")
    ).map(lambda value: {2: value}),
    st.one_of(negative, huge, st.sampled_from(["NaN", "sNaN", "Infinity", "1e30", "12..5"])).map(
        lambda value: {3: value}
    ),
    st.one_of(negative, huge, st.sampled_from(["-Infinity", "1E+999999"])).map(
        lambda value: {4: value}
    ),
    st.sampled_from(["2026-02-30", "13/45/2026", "yesterday", "", "1/2", "99999-01-01"]).map(
        lambda value: {1: value}
    ),
    st.one_of(negative, huge, st.sampled_from(["1.5", "²", "٣", "many"])).map(
        lambda value: {5: value}
    ),
    st.one_of(st.just("x" * 41), st.text(max_size=5).map(lambda value: f"WC{value}\x00")).map(
        lambda value: {0: value}
    ),
)


@FUZZ
@given(
    goods=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 365)), min_size=1, max_size=4),
    bads=st.lists(st.tuples(bad_claim_changes, st.lists(junk, min_size=0, max_size=2)), max_size=4),
    order=st.randoms(use_true_random=False),
    bom=st.booleans(),
    extra_column=st.booleans(),
)
def test_it_imports_the_good_claims_and_lists_every_bad_row(
    tmp_path, goods, bads, order, bom, extra_column
):
    run = next(_runs)
    rows: list[tuple[bool, list[str]]] = []
    for index, (amount, lost) in enumerate(goods):
        rows.append((True, _good_claim(f"GOOD-{run}-{index}", amount, lost)))
    for index, (change, tail) in enumerate(bads):
        row = _good_claim(f"BAD-{run}-{index}", 10, 0)
        for column, value in change.items():
            row[column] = value
        rows.append((False, row + tail))
    order.shuffle(rows)
    header = CLAIM_HEADER + (["adjuster_note"] if extra_column else [])
    text, spans = _csv(header, [row for _, row in rows])
    path = _file(tmp_path, (("\ufeff" if bom else "") + text).encode())

    out, err, error = _run("import_claims", path)

    assert error is None, error
    _assert_each_bad_row_listed(
        err, [span for (good, _), span in zip(rows, spans, strict=True) if not good]
    )
    # Read back by value rather than by a query on each claim number: PostgreSQL cannot take a
    # NUL character as a parameter, and some bad rows hold one.
    stored = {claim.claim_number: claim for claim in Claim.objects.all()}
    for good, row in rows:
        claim = stored.get(row[0])
        if good:
            assert claim is not None, row
            assert claim.paid_to_date == Decimal(row[3].replace("$", "").replace(",", ""))
            assert claim.lost_days == int(row[5])
        else:
            assert claim is None, row


@FUZZ
@given(employee_id=junk, injured_on=junk)
def test_whom_and_when_a_claim_is_for_is_stored_or_its_row_refused(
    tmp_path, employee_id, injured_on
):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CLAIM_HEADER, "employee_id", "date_of_injury"])
    number = f"WC-E-{next(_runs)}"
    writer.writerow([*_good_claim(number, 10, 0), employee_id, injured_on])

    out, err, error = _run("import_claims", _file(tmp_path, buffer.getvalue().encode()))

    claim = Claim.objects.filter(claim_number=number).first()
    if claim is None:
        # Its only row refused: the command says so, and fails, so a scheduled import is noticed.
        assert "line 2" in out + err
        assert error is not None
        assert error.startswith("Nothing imported from ")
    else:
        assert error is None
        assert claim.employee_id == employee_id.strip()
        assert len(claim.employee_id) <= 20


# --- Incidents (generic CSV) -------------------------------------------------------------------


def _good_incident(external_id: str, narrative: str, days: int) -> list[str]:
    return [
        external_id,
        "LASAN",
        "2026-03-02T07:45",
        "injury_illness",
        "medical",
        narrative,
        "Yard 4",
        "yes",
        str(days),
        "0",
    ]


bad_incident_changes = st.one_of(
    st.sampled_from(["", "   "]).map(lambda value: {0: value}),
    st.just({0: "x" * 60}),
    st.sampled_from(["NOPE", ""]).map(lambda value: {1: value}),
    st.sampled_from(
        ["", "yesterday", "2026-02-30", "9999-12-31T23:59", "0001-01-01T00:00", "2026-13-01"]
    ).map(lambda value: {2: value}),
    junk.filter(lambda value: value.strip().lower() not in ("injury_illness", "near_miss")).map(
        lambda value: {3: value}
    ),
    junk.filter(lambda value: value.strip().lower() not in ("medical", "none")).map(
        lambda value: {4: value}
    ),
    st.sampled_from(["", " ", "\x00", "before\x00after"]).map(lambda value: {5: value}),
    st.sampled_from(["maybe", "2"]).map(lambda value: {7: value}),
    st.one_of(negative, huge, st.sampled_from(["1e400", "NaN", "1.5", "lots"])).map(
        lambda value: {8: value}
    ),
    st.one_of(negative, huge, st.sampled_from(["-inf", "3.25"])).map(lambda value: {9: value}),
)


@FUZZ
@given(
    goods=st.lists(st.tuples(clean_text, st.integers(0, 180)), min_size=1, max_size=4),
    bads=st.lists(st.tuples(bad_incident_changes, st.lists(junk, max_size=2)), max_size=4),
    order=st.randoms(use_true_random=False),
    bom=st.booleans(),
)
def test_it_imports_the_good_incidents_and_lists_every_bad_row(
    tmp_path, department, goods, bads, order, bom
):
    run = next(_runs)
    rows: list[tuple[bool, list[str]]] = []
    for index, (narrative, days) in enumerate(goods):
        rows.append((True, _good_incident(f"good-{run}-{index}", narrative, days)))
    for index, (change, tail) in enumerate(bads):
        row = _good_incident(f"bad-{run}-{index}", "Slipped on a wet ramp.", 0)
        for column, value in change.items():
            row[column] = value
        rows.append((False, row + tail))
    order.shuffle(rows)
    text, spans = _csv(INCIDENT_HEADER, [row for _, row in rows])
    path = _file(tmp_path, (("\ufeff" if bom else "") + text).encode())

    out, err, error = _run("import_incidents", path, "--format", "generic-csv")

    assert error is None, error
    _assert_each_bad_row_listed(
        err, [span for (good, _), span in zip(rows, spans, strict=True) if not good]
    )
    for good, row in rows:
        stored = Incident.objects.filter(source_key=f"generic:{row[0].strip()}").first()
        if good:
            assert stored is not None, row
            assert stored.narrative == row[5].strip()
            assert stored.days_away == int(row[8])
        elif row[0].strip():
            assert stored is None, row


# --- Exposure ----------------------------------------------------------------------------------

bad_exposure_changes = st.one_of(
    st.sampled_from(["", "NOPE", "\x00"]).map(lambda value: {0: value}),
    st.sampled_from(["0000-01", "2026-13", "2026-00", "26-01", "2026/01", "", "٢٠٢٦-١٣"]).map(
        lambda value: {1: value}
    ),
    st.one_of(
        negative,
        st.integers(min_value=10**11, max_value=10**60).map(str),
        st.sampled_from(["NaN", "-inf", "lots", "1e400"]),
    ).map(lambda value: {2: value}),
    st.one_of(
        negative, huge, st.sampled_from(["1.5", "²", "٣x", "", "0", "many", "99999999999999"])
    ).map(lambda value: {3: value}),
)


@FUZZ
@given(
    goods=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 10**5)), min_size=1, max_size=4),
    bads=st.lists(st.tuples(bad_exposure_changes, st.lists(junk, max_size=2)), max_size=4),
    order=st.randoms(use_true_random=False),
    bom=st.booleans(),
)
def test_it_imports_the_good_exposure_months_and_lists_every_bad_row(
    tmp_path, department, goods, bads, order, bom
):
    # A year of its own for each example (payroll months run from 1970 to this month).
    year = 1970 + next(_runs) % 56
    ExposureMonth.objects.filter(department=department, month__year=year).delete()
    rows: list[tuple[bool, list[str]]] = []
    for index, (hours, headcount) in enumerate(goods):
        rows.append((True, ["LASAN", f"{year:04d}-{index + 1:02d}", f"{hours:,}", str(headcount)]))
    for index, (change, tail) in enumerate(bads):
        row = ["LASAN", f"{year:04d}-{index + 7:02d}", "100", "1"]
        for column, value in change.items():
            row[column] = value
        rows.append((False, row + tail))
    order.shuffle(rows)
    text, spans = _csv(EXPOSURE_HEADER, [row for _, row in rows])
    path = _file(tmp_path, (("\ufeff" if bom else "") + text).encode())

    out, err, error = _run("import_exposure", path)

    assert error is None, error
    _assert_each_bad_row_listed(
        err, [span for (good, _), span in zip(rows, spans, strict=True) if not good]
    )
    stored = {
        item.month.strftime("%Y-%m"): item
        for item in ExposureMonth.objects.filter(department=department, month__year=year)
    }
    for good, row in rows:
        if good:
            assert stored[row[1]].hours_worked == Decimal(row[2].replace(",", ""))
            assert stored[row[1]].headcount == int(row[3])
    assert len(stored) == sum(1 for good, _ in rows if good)


@FUZZ_FEW
@given(rows=st.lists(st.lists(junk, min_size=0, max_size=6), min_size=1, max_size=5))
def test_it_lists_rows_of_pure_garbage_and_stops_with_a_message(tmp_path, department, rows):
    for command, header, args in (
        ("import_claims", CLAIM_HEADER, ()),
        ("import_incidents", INCIDENT_HEADER, ("--format", "generic-csv")),
        ("import_exposure", EXPOSURE_HEADER, ()),
    ):
        text, _ = _csv(header, rows)
        out, err, error = _run(command, _file(tmp_path, text.encode()), *args)
        assert error or out.strip()
