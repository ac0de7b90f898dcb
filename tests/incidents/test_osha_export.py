"""`osha_export`: the ITA summary and case-detail CSVs, against a hand-computed establishment."""

import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from incidents.models import IllnessType, Severity
from incidents.osha.ita import CASE_COLUMNS, SUMMARY_COLUMNS
from riskcabinet.roles import Role
from tests.factories import (
    DepartmentFactory,
    EstablishmentFactory,
    ExposureMonthFactory,
    IncidentFactory,
    logged_case,
    user_with_role,
)


@pytest.fixture
def yard(db, settings):
    settings.CITY_NAME = "City of Los Angeles"
    site = EstablishmentFactory(
        name="Sanitation North Yard",
        street_address="1149 S Broadway",
        zip_code="90015",
        naics_code="562111",
        industry_description="Solid waste collection",
        size=3,
    )
    for month, hours, headcount in ((1, "10000.0", 60), (2, "11000.0", 62), (3, "9500.5", 58)):
        ExposureMonthFactory(
            department=site.department,
            month=date(2025, month, 1),
            hours_worked=Decimal(hours),
            headcount=headcount,
        )
    worker = user_with_role(Role.EMPLOYEE, department=site.department)
    worker.person.job_title = "Refuse Truck Operator"
    worker.person.save()

    def case(day, **fields):
        return logged_case(
            site,
            day,
            at=time(10, 15),
            reporter=worker,
            location_text="Route 14, Sunset Blvd",
            **fields,
        )

    cases = [
        case(
            date(2025, 1, 10),
            severity=Severity.FATALITY,
            date_of_death=date(2025, 1, 12),
            narrative="Struck by a reversing truck.",
        ),
        case(date(2025, 2, 3), severity=Severity.DAYS_AWAY, days_away=200, days_restricted=10),
        case(date(2025, 2, 20), severity=Severity.DAYS_AWAY, days_away=12, days_restricted=4),
        case(
            date(2025, 3, 5),
            severity=Severity.RESTRICTED,
            days_restricted=7,
            illness_type=IllnessType.SKIN,
            treated_in_er=True,
            hospitalized_overnight=False,
            time_began_work=time(6, 0),
        ),
        case(date(2025, 4, 1), severity=Severity.MEDICAL, illness_type=IllnessType.HEARING_LOSS),
        case(date(2025, 4, 2), severity=Severity.MEDICAL),
        # Not on the log: not recordable, and another year.
        case(date(2025, 4, 3), severity=Severity.FIRST_AID, recordable=False),
        case(date(2024, 12, 30), severity=Severity.DAYS_AWAY, days_away=5),
    ]
    return site, cases, worker


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_it_writes_the_300a_summary_row_exactly(yard, tmp_path):
    site, _, _ = yard
    out = tmp_path / "summary.csv"

    call_command("osha_export", year=2025, kind="summary", establishment=site.pk, out=out)
    header, rows = _read(out)

    # By hand: 1 death; 2 days-away cases with K = 180 (capped) + 12 and L = 0 + 4;
    # 1 restricted case with L = 7; 2 other cases. Hours 10000 + 11000 + 9500.5 -> 30501 (the
    # 300A rounds up to the next whole hour), average employees (60 + 62 + 58) / 3 = 60. Size
    # class 3 is ITA's 22.
    assert tuple(header) == SUMMARY_COLUMNS
    assert rows == [
        {
            "establishment_name": "Sanitation North Yard",
            "ein": "",
            "company_name": "City of Los Angeles",
            "street_address": "1149 S Broadway",
            "city": "Los Angeles",
            "state": "CA",
            "zip": "90015",
            "naics_code": "562111",
            "industry_description": "Solid waste collection",
            "size": "22",
            "establishment_type": "3",
            "year_filing_for": "2025",
            "annual_average_employees": "60",
            "total_hours_worked": "30501",
            "no_injuries_illnesses": "1",
            "total_deaths": "1",
            "total_dafw_cases": "2",
            "total_djtr_cases": "1",
            "total_other_cases": "2",
            "total_dafw_days": "192",
            "total_djtr_days": "11",
            "total_injuries": "4",
            "total_skin_disorders": "1",
            "total_respiratory_conditions": "0",
            "total_poisonings": "0",
            "total_hearing_loss": "1",
            "total_other_illnesses": "0",
            "change_reason": "",
        }
    ]


def test_it_writes_one_case_row_per_logged_case_without_names(yard, tmp_path):
    site, cases, worker = yard
    out = tmp_path / "cases.csv"

    call_command("osha_export", year=2025, kind="cases", establishment=site.pk, out=out)
    header, rows = _read(out)
    text = out.read_text()

    assert tuple(header) == CASE_COLUMNS
    assert [row["case_number"] for row in rows] == [c.reference for c in cases[:6]]
    assert [
        (r["incident_outcome"], r["dafw_num_away"], r["djtr_num_tr"], r["type_of_incident"])
        for r in rows
    ] == [
        ("1", "0", "0", "1"),
        ("2", "180", "0", "1"),
        ("2", "12", "4", "1"),
        ("3", "0", "7", "2"),
        ("4", "0", "0", "5"),
        ("4", "0", "0", "1"),
    ]
    assert rows[0]["date_of_death"] == "01/12/2025"
    assert rows[0]["date_of_incident"] == "01/10/2025"
    assert rows[0]["nar_what_happened"] == "Struck by a reversing truck."
    assert rows[3]["treatment_facility_type"] == "1"
    assert rows[3]["treatment_in_patient"] == "0"
    assert rows[3]["time_started_work"] == "06:00"
    assert rows[3]["time_of_incident"] == "10:15"
    assert rows[3]["job_title"] == "Refuse Truck Operator"
    assert worker.last_name not in text
    assert worker.first_name not in text


def test_it_refuses_an_unknown_establishment(yard, tmp_path):
    with pytest.raises(CommandError, match="No establishment with id 999999"):
        call_command(
            "osha_export", year=2025, kind="summary", establishment=999999, out=tmp_path / "x.csv"
        )


def test_it_refuses_a_year_with_no_data(yard, tmp_path):
    site, _, _ = yard
    with pytest.raises(CommandError, match="No recordable cases or payroll hours"):
        call_command(
            "osha_export", year=2019, kind="cases", establishment=site.pk, out=tmp_path / "x.csv"
        )


def test_it_names_the_cases_of_a_department_with_no_establishment(yard, tmp_path):
    """A recordable case whose department has no establishment is on no log: the export says so
    rather than leaving it out in silence."""
    orphans = DepartmentFactory(name="Harbor Patrol")
    IncidentFactory(
        department=orphans, recordable=True, occurred_at=datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
    )
    err = io.StringIO()

    call_command(
        "osha_export",
        year=2025,
        kind="cases",
        out=tmp_path / "x.csv",
        stdout=io.StringIO(),
        stderr=err,
    )

    assert (
        "Warning: Harbor Patrol has 1 recordable case(s) in 2025 but no establishment"
        in err.getvalue()
    )


def test_it_refuses_an_unknown_kind(yard, tmp_path):
    with pytest.raises(CommandError, match="Unknown --kind 'totals'"):
        call_command("osha_export", year=2025, kind="totals", out=tmp_path / "x.csv")


def test_the_summary_file_leaves_out_an_establishment_closed_before_the_year(yard, tmp_path):
    """A site closed before the year owes no 300A for it: a row for it would report no cases and
    take a share of the department's hours on top of the full hours the open site reports."""
    site, _, _ = yard
    EstablishmentFactory(
        department=site.department, name="Old Sanitation Yard", closed_on=date(2023, 6, 30)
    )
    out = tmp_path / "summary.csv"

    call_command("osha_export", year=2025, kind="summary", out=out, stdout=io.StringIO())
    _, rows = _read(out)

    assert [row["establishment_name"] for row in rows] == ["Sanitation North Yard"]
    assert rows[0]["total_hours_worked"] == "30501"


def test_the_summary_file_writes_a_zip_plus_4_as_nine_digits(yard, tmp_path):
    """ITA takes a ZIP of 5 or 9 digits: the hyphen of a ZIP+4 would fail the upload."""
    site, _, _ = yard
    site.zip_code = "90015-2301"
    site.save()
    out = tmp_path / "summary.csv"

    call_command("osha_export", year=2025, kind="summary", establishment=site.pk, out=out)
    _, rows = _read(out)

    assert rows[0]["zip"] == "900152301"
