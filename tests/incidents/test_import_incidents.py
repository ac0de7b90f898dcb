"""`import_incidents`: OSHA's severe injury reports and the generic CSV, on real rows."""

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from incidents.imports import incidents_import, source_key_uuid
from incidents.models import Establishment, Incident, Severity
from incidents.osha import selectors
from incidents.osha.records import CaseType
from riskcabinet.models import Department
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, EstablishmentFactory, user_with_role

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "osha_severe_sample.csv"
BAD_ROWS = FIXTURES / "osha_severe_bad_rows.csv"


def _sample_rows() -> list[dict]:
    with open(SAMPLE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_incidents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_imports_every_row_of_the_sample_into_state_departments():
    rows = _sample_rows()

    out, _ = _run(str(SAMPLE), "--format", "osha-severe")

    assert Incident.objects.filter(source_key__startswith="osha-severe:").count() == len(rows)
    by_state = Counter(row["State"] for row in rows)
    delaware = Department.objects.get(code="ST-DE")
    assert delaware.name == "Delaware (OSHA severe injury reports)"
    assert delaware.incidents.count() == by_state["DELAWARE"]
    assert Establishment.objects.filter(department=delaware).count() == 1
    assert f"Imported {len(rows)} incident(s)" in out


@pytest.mark.django_db
def test_it_matches_oiics_titles_and_reports_the_ones_that_do_not_match():
    report = incidents_import(path=SAMPLE, fmt="osha-severe")

    rows = len(_sample_rows())
    assert dict(report.unmatched_titles["nature"]) == {"Fractures (hairline, self-reported)": 1}
    assert dict(report.unmatched_titles["source"]) == {"Forklift (unspecified make)": 1}
    assert dict(report.unmatched_titles["part"]) == {"Left pinky toe": 1}
    assert report.unmatched_titles["event"] == Counter()
    assert report.matched_codes["event"] == rows
    assert report.matched_codes["nature"] == rows - 1
    first = Incident.objects.get(source_key="osha-severe:50")  # cp1252 apostrophe in EventTitle
    assert first.oiics_event != ""


@pytest.mark.django_db
def test_it_imports_a_row_with_the_fields_of_the_file():
    incidents_import(path=SAMPLE, fmt="osha-severe")
    row = next(r for r in _sample_rows() if r["row_no"] == "135")

    incident = Incident.objects.get(source_key="osha-severe:135")

    assert incident.severity == Severity.HOSPITALIZATION
    assert incident.recordable is True
    assert incident.narrative == row["Final Narrative"].strip()
    assert incident.client_uuid == source_key_uuid("osha-severe:135")
    assert incident.occurred_at.date().isoformat() == row["EventDate"]
    assert incident.occurred_time_known is False  # OSHA's file gives the day only.
    assert incident.oiics_nature == ""  # the edited, unmatched title
    assert incident.oiics_part != ""


@pytest.mark.django_db
def test_it_adds_nothing_on_a_second_import():
    incidents_import(path=SAMPLE, fmt="osha-severe")
    before = Incident.objects.count()

    report = incidents_import(path=SAMPLE, fmt="osha-severe")

    assert Incident.objects.count() == before
    assert report.created == 0
    assert report.already_imported == len(_sample_rows())


@pytest.mark.django_db
def test_it_changes_nothing_on_a_dry_run():
    out, _ = _run(str(SAMPLE), "--format", "osha-severe", "--dry-run")

    assert Incident.objects.count() == 0
    assert not Department.objects.filter(code__startswith="ST-").exists()
    assert f"Would import {len(_sample_rows())} incident(s)" in out


@pytest.mark.django_db
def test_it_lists_bad_rows_with_their_line_and_imports_the_rest():
    out, err = _run(str(BAD_ROWS), "--format", "osha-severe")

    assert Incident.objects.count() == 1
    assert "line 2: EventDate '2016-02-30' is not a date" in err
    assert "line 3: State 'ATLANTIS' is not a US state or territory" in err
    assert "line 4: Hospitalized '-1'" in err
    assert "line 5: Final Narrative is empty" in err
    assert "line 6: Latitude 139.16 is out of range" in err
    assert "line 7: Latitude 'NaN' is not a number" in err
    assert "6 bad row(s)" in out


@pytest.mark.django_db
def test_it_puts_every_row_in_a_given_department():
    department = DepartmentFactory(code="LASAN")
    site = EstablishmentFactory(department=department)

    report = incidents_import(path=BAD_ROWS, fmt="osha-severe", department_code="LASAN")

    assert report.created == 2  # The unknown state is no longer a problem.
    assert set(Incident.objects.values_list("establishment", flat=True)) == {site.pk}


@pytest.mark.django_db
def test_it_refuses_an_unknown_department_or_format():
    with pytest.raises(CommandError, match="No department with code 'NOPE'"):
        _run(str(SAMPLE), "--format", "osha-severe", "--department", "NOPE")
    with pytest.raises(CommandError, match="Unknown --format 'xml'"):
        _run(str(SAMPLE), "--format", "xml")


@pytest.mark.django_db
def test_it_says_when_an_incident_file_is_separated_by_semicolons(tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text("EventDate;Employer;Final Narrative\n1/2/2026;City;Fell\n", "utf-8")

    with pytest.raises(CommandError, match="separated by semicolons"):
        _run(str(path), "--format", "osha-severe")


@pytest.mark.django_db
def test_it_keeps_references_unique_across_imports():
    incidents_import(path=BAD_ROWS, fmt="osha-severe")
    incidents_import(path=SAMPLE, fmt="osha-severe")

    references = list(Incident.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == len(_sample_rows()) + 1


@pytest.mark.django_db
def test_it_gives_an_imported_state_the_300a_totals_of_the_file():
    incidents_import(path=SAMPLE, fmt="osha-severe")
    site = Establishment.objects.get(department__code="ST-CA")

    # Independent count from the CSV: every California report of 2015 is a case with days away
    # (in-patient hospitalisation, amputation or loss of an eye), an injury, no day counts.
    expected = sum(
        1
        for row in _sample_rows()
        if row["State"] == "CALIFORNIA" and date.fromisoformat(row["EventDate"]).year == 2015
    )
    summary = selectors.summary_for(establishment=site, year=2015)

    assert expected > 10
    assert (summary.deaths, summary.days_away_cases) == (0, expected)
    assert (summary.transfer_restriction_cases, summary.other_recordable_cases) == (0, 0)
    assert summary.by_type[CaseType.INJURY] == expected
    assert len(selectors.log_rows(establishment=site, year=2015)) == expected


@pytest.mark.django_db
def test_it_imports_a_generic_csv(tmp_path):
    DepartmentFactory(code="LAFD")
    path = tmp_path / "generic.csv"
    path.write_text(
        "external_id,department,occurred_at,incident_type,severity,narrative,location,"
        "recordable,days_away,days_restricted\n"
        "A-1,LAFD,2025-03-01,injury_illness,days_away,Burned a hand at a fire.,Station 27,yes,4,0\n"
        "A-2,LAFD,2025-03-02T08:30,near_miss,none,Ladder slipped.,Station 27,,,\n"
        "A-3,LAFD,2025-03-03,injury_illness,terrible,Bad severity.,Station 27,yes,0,0\n"
        "A-4,NOPE,2025-03-03,injury_illness,medical,Unknown department.,Station 27,yes,0,0\n",
        encoding="utf-8",
    )

    first = incidents_import(path=path, fmt="generic-csv")
    second = incidents_import(path=path, fmt="generic-csv")

    burned = Incident.objects.get(source_key="generic:A-1")
    assert (burned.recordable, burned.days_away) == (True, 4)
    ladder = Incident.objects.get(source_key="generic:A-2")
    assert ladder.recordable is None
    # A bare date gives no hour: the case says so rather than claim noon.
    assert (burned.occurred_time_known, ladder.occurred_time_known) == (False, True)
    assert first.created == 2
    assert second.created == 0
    assert [line for line, _ in first.bad_rows] == [4, 5]


@pytest.mark.django_db
def test_it_imports_the_whole_shipped_file_quickly():
    import time

    shipped = Path(__file__).resolve().parents[2] / "riskcabinet/data/osha"
    path = shipped / "severe_injury_reports_2015-01_to_2017-02.csv"
    started = time.monotonic()

    report = incidents_import(path=path, fmt="osha-severe")

    assert report.created == 21_578
    assert report.bad_rows == []
    assert time.monotonic() - started < 60


@pytest.mark.django_db
def test_each_imported_case_starts_its_history_with_the_file_it_came_from(client):
    incidents_import(path=SAMPLE, fmt="osha-severe")
    incidents_import(path=SAMPLE, fmt="osha-severe")  # The second import adds nothing.

    cases = list(Incident.objects.filter(source_key__startswith="osha-severe:"))
    history = Incident.history.model.objects.all()
    assert history.count() == len(cases) == len(_sample_rows())
    for case in cases:
        row = case.history.get()
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "+",
            None,
            "Imported from osha_severe_sample.csv",
        )
        assert (row.reference, row.narrative, row.department_id, row.occurred_at) == (
            case.reference,
            case.narrative,
            case.department_id,
            case.occurred_at,
        )

    # An officer covering the state sees where the case came from.
    case = cases[0]
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(case.department,), username="imani")
    client.force_login(officer)
    page = client.get(reverse("triage:case-history", args=[case.reference])).content.decode()
    assert "created case" in page
    assert '<p class="timeline__reason muted">Imported from osha_severe_sample.csv</p>' in page


@pytest.mark.django_db
def test_a_generic_csv_in_a_departments_former_code_reaches_it(tmp_path):
    fire = DepartmentFactory(code="FIRE", former_codes="LAFD")
    path = tmp_path / "generic.csv"
    path.write_text(
        "external_id,department,occurred_at,incident_type,severity,narrative\n"
        "B-1,LAFD,2025-03-01,injury_illness,medical,Burned a hand at a fire.\n"
        "B-2,fire,2025-03-02,near_miss,none,Ladder slipped.\n",
        encoding="utf-8",
    )

    report = incidents_import(path=path, fmt="generic-csv")

    assert report.bad_rows == []
    assert set(Incident.objects.values_list("department", flat=True)) == {fire.pk}
    assert dict(report.by_department) == {"FIRE": 2}


@pytest.mark.django_db
def test_a_state_department_whose_code_changed_is_not_made_again_under_its_old_code():
    delaware = DepartmentFactory(
        code="DE-SEVERE", name="Delaware severe injuries", former_codes="st-de"
    )
    EstablishmentFactory(department=delaware)
    rows = _sample_rows()

    report = incidents_import(path=SAMPLE, fmt="osha-severe")

    assert not Department.objects.filter(code__iexact="ST-DE").exists()
    assert "ST-DE" not in report.departments_created
    expected = sum(1 for row in rows if row["State"] == "DELAWARE")
    assert delaware.incidents.count() == expected > 0
