"""python manage.py import_exposure: payroll hours per department-month from a CSV file."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from riskcabinet.models import ExposureMonth
from tests.factories import DepartmentFactory, ExposureMonthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return DepartmentFactory(code="LASAN", name="Sanitation"), DepartmentFactory(code="LAFD")


def run(tmp_path, text: str | bytes) -> tuple[str, str]:
    path = tmp_path / "exposure.csv"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    out, err = StringIO(), StringIO()
    call_command("import_exposure", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = (
    "department,month,hours_worked,headcount\n"
    "LASAN,2026-09,512000.5,3050\n"
    "LASAN,2026-10,498000,3041\n"
    "LAFD,2026-10,1700000,3500\n"
)


def test_it_imports_a_good_file(tmp_path, departments):
    out, err = run(tmp_path, GOOD)

    sanitation = ExposureMonth.objects.get(department__code="LASAN", month=date(2026, 9, 1))
    assert sanitation.hours_worked == Decimal("512000.5")
    assert sanitation.headcount == 3050
    assert ExposureMonth.objects.count() == 3
    assert "3 new department-month(s)" in out
    assert err == ""


def test_it_changes_nothing_when_the_same_file_is_imported_twice(tmp_path, departments):
    run(tmp_path, GOOD)
    out, _ = run(tmp_path, GOOD)

    assert ExposureMonth.objects.count() == 3
    assert "0 new department-month(s), 0 updated, 3 unchanged" in out


def test_it_updates_a_month_whose_hours_were_corrected(tmp_path, departments):
    ExposureMonthFactory(
        department=departments[0], month=date(2026, 10, 1), hours_worked=1, headcount=1
    )
    out, _ = run(tmp_path, GOOD)

    corrected = ExposureMonth.objects.get(department__code="LASAN", month=date(2026, 10, 1))
    assert (corrected.hours_worked, corrected.headcount) == (Decimal("498000.0"), 3041)
    assert "1 updated" in out


def test_it_reports_bad_rows_with_line_numbers_and_imports_the_good_ones(tmp_path, departments):
    text = (
        "department,month,hours_worked,headcount\n"
        "LASAN,2026-13,1000,10\n"
        "LASAN,Oct 2026,1000,10\n"
        "LAFD,2026-10,-40,10\n"
        "PARKS,2026-10,1000,10\n"
        "LAFD,2026-09,lots,10\n"
        "LAFD,2026-08,1000,-3\n"
        "LASAN,2026-10,498000,3041\n"
    )
    out, err = run(tmp_path, text)

    assert "line 2: month '2026-13' is not a month written YYYY-MM" in err
    assert "line 3: month 'Oct 2026' is not a month" in err
    assert "line 4: hours_worked -40 is negative" in err
    assert "line 5: unknown department 'PARKS'" in err
    assert "Unknown department(s), not imported: PARKS" in err
    assert "line 6: hours_worked 'lots' is not a number" in err
    assert "line 7: headcount '-3' is not a whole number" in err
    assert list(ExposureMonth.objects.values_list("department__code", "month")) == [
        ("LASAN", date(2026, 10, 1))
    ]
    assert "6 bad row(s) not imported" in out


def test_it_refuses_a_file_missing_a_column(tmp_path, departments):
    with pytest.raises(CommandError, match="missing column.*headcount"):
        run(tmp_path, "department,month,hours_worked\nLASAN,2026-10,1000\n")
    assert not ExposureMonth.objects.exists()


def test_it_says_when_a_file_is_separated_by_semicolons(tmp_path, departments):
    # A spreadsheet set to a region whose list separator is ";" saves its CSV that way.
    with pytest.raises(CommandError, match="separated by semicolons: save it as comma-sep"):
        run(tmp_path, "department;month;hours_worked;headcount\nLASAN;2026-10;1000;10\n")
    assert not ExposureMonth.objects.exists()


def test_it_refuses_a_file_that_is_not_utf8(tmp_path, departments):
    latin1 = (
        "department,month,hours_worked,headcount\nLASAN,2026-10,1000,10\nSañitation,2026-10,1,1\n"
    )
    with pytest.raises(CommandError, match=r"line 3: the file is not UTF-8"):
        run(tmp_path, latin1.encode("latin-1"))
    assert not ExposureMonth.objects.exists()


def test_it_fails_when_every_row_is_bad(tmp_path, departments):
    with pytest.raises(CommandError, match="Nothing imported"):
        run(tmp_path, "department,month,hours_worked,headcount\nNOPE,2026-10,1,1\n")


def test_it_keeps_the_first_of_two_rows_for_the_same_department_month(tmp_path, departments):
    text = "department,month,hours_worked,headcount\nLASAN,2026-10,100,1\nLASAN,2026-10,200,2\n"
    _, err = run(tmp_path, text)

    assert "line 3: LASAN 2026-10 repeats line 2" in err
    assert ExposureMonth.objects.get().hours_worked == Decimal("100.0")


def test_it_accepts_department_names_and_a_spreadsheet_byte_order_mark(tmp_path, departments):
    run(
        tmp_path,
        '\ufeffDepartment, Month, Hours_Worked, Headcount\nsanitation,2026-10,"1,000",10\n',
    )

    assert ExposureMonth.objects.get().hours_worked == Decimal("1000.0")
