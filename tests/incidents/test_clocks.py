"""Compliance clocks: which deadlines a case starts, when they fall due, and how they stop."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents.clocks import (
    clock_complete,
    clock_due_at,
    clocks_start_for,
    holidays_in,
    working_day_after,
)
from incidents.models import ClockKind, ComplianceClock, Severity
from incidents.triage_services import incident_classify, incident_recordability_decide
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

LA = ZoneInfo("America/Los_Angeles")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LA)


def test_it_reports_to_calosha_eight_hours_after_learning():
    assert clock_due_at(kind=ClockKind.CALOSHA_REPORT, learned_at=at(2026, 3, 2, 22, 0)) == at(
        2026, 3, 3, 6, 0
    )


@pytest.mark.parametrize(
    ("learned", "due"),
    [
        (at(2026, 11, 1, 0, 30), at(2026, 11, 1, 7, 30)),  # the clocks go back at 2:00
        (at(2026, 3, 8, 0, 30), at(2026, 3, 8, 9, 30)),  # the clocks go forward at 2:00
    ],
)
def test_the_eight_hours_to_calosha_are_elapsed_hours_on_a_night_the_clocks_change(learned, due):
    deadline = clock_due_at(kind=ClockKind.CALOSHA_REPORT, learned_at=learned)
    assert deadline == due
    assert (deadline - learned).total_seconds() == 8 * 3600


def test_deadlines_in_days_keep_the_time_of_day_when_the_clocks_go_back():
    learned = at(2026, 10, 30, 6, 17).astimezone(UTC)  # as read from the database
    assert clock_due_at(kind=ClockKind.EMPLOYER_REPORT, learned_at=learned) == at(
        2026, 11, 4, 6, 17
    )
    assert clock_due_at(kind=ClockKind.LOG_300, learned_at=learned) == at(2026, 11, 6, 6, 17)


def test_it_gives_the_claim_form_by_the_end_of_the_next_working_day_skipping_weekends():
    friday = at(2026, 3, 6, 14, 0)
    assert clock_due_at(kind=ClockKind.CLAIM_FORM, learned_at=friday) == at(2026, 3, 9, 23, 59, 59)


def test_it_skips_holidays_for_the_claim_form():
    # Wednesday before Thanksgiving 2026: Thursday and Friday are holidays in California.
    wednesday = at(2026, 11, 25, 9, 0)
    assert clock_due_at(kind=ClockKind.CLAIM_FORM, learned_at=wednesday).date() == date(
        2026, 11, 30
    )
    assert working_day_after(date(2026, 3, 30)) == date(2026, 4, 1)  # Cesar Chavez Day.


def test_it_observes_a_saturday_holiday_on_the_friday():
    assert date(2026, 7, 3) in holidays_in(2026)  # July 4th 2026 is a Saturday.
    # New Year's Day 2022 was a Saturday: observed on Friday, December 31, 2021.
    assert date(2021, 12, 31) in holidays_in(2021)
    assert date(2021, 12, 31) not in holidays_in(2022)
    assert working_day_after(date(2021, 12, 30)) == date(2022, 1, 3)


def test_it_counts_form_5020_and_the_300_log_in_calendar_days():
    learned = at(2026, 3, 6, 14, 0)
    assert clock_due_at(kind=ClockKind.EMPLOYER_REPORT, learned_at=learned) == at(
        2026, 3, 11, 14, 0
    )
    assert clock_due_at(kind=ClockKind.LOG_300, learned_at=learned) == at(2026, 3, 13, 14, 0)


@pytest.mark.django_db
def test_it_starts_the_clocks_of_a_serious_case_once_however_often_it_is_asked():
    incident = IncidentFactory(severity=Severity.HOSPITALIZATION, state_reportable=True)
    clocks_start_for(incident=incident)
    clocks_start_for(incident=incident)
    kinds = set(incident.clocks.values_list("kind", flat=True))
    assert kinds == {ClockKind.CALOSHA_REPORT, ClockKind.CLAIM_FORM, ClockKind.EMPLOYER_REPORT}
    assert ComplianceClock.objects.filter(incident=incident).count() == 3


@pytest.mark.django_db
def test_it_starts_no_clock_for_first_aid():
    incident = IncidentFactory(severity=Severity.FIRST_AID)
    assert clocks_start_for(incident=incident) == []


@pytest.mark.django_db
def test_it_starts_the_300_log_clock_when_the_case_is_found_recordable():
    incident = IncidentFactory(severity=Severity.MEDICAL)
    clocks_start_for(incident=incident)
    incident_recordability_decide(
        incident=incident,
        answers={"work_related": "yes", "new_case": "yes", "medical_treatment": "yes"},
    )
    assert incident.clocks.filter(kind=ClockKind.LOG_300).exists()


@pytest.mark.django_db
def test_it_starts_clocks_when_the_classification_gets_worse():
    incident = IncidentFactory(severity=Severity.FIRST_AID)
    incident_classify(
        incident=incident,
        severity=Severity.FATALITY,
        illness_type="injury",
        state_reportable=False,
        days_away=0,
        days_restricted=0,
    )
    incident.refresh_from_db()
    assert incident.state_reportable is True
    assert incident.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists()
    assert incident.clock_due_at == clock_due_at(
        kind=ClockKind.CALOSHA_REPORT, learned_at=incident.learned_at
    )


@pytest.mark.django_db
def test_it_stops_a_clock_with_who_when_and_the_confirmation():
    officer = user_with_role(Role.SAFETY_OFFICER)
    incident = IncidentFactory(severity=Severity.HOSPITALIZATION, state_reportable=True)
    clocks = clocks_start_for(incident=incident)
    calosha = next(c for c in clocks if c.kind == ClockKind.CALOSHA_REPORT)
    clock_complete(clock=calosha, user=officer, confirmation="CAL-778812")
    calosha.refresh_from_db()
    incident.refresh_from_db()
    assert calosha.completed_by == officer
    assert calosha.confirmation == "CAL-778812"
    assert incident.state_report_confirmation == "CAL-778812"
    # The case's next deadline is now the earliest of the clocks still running.
    running = incident.clocks.filter(completed_at__isnull=True)
    assert incident.clock_due_at == min(clock.due_at for clock in running)


@pytest.mark.django_db
def test_it_shows_an_overdue_clock_in_red_on_the_case_page(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        incident = IncidentFactory(
            department=department,
            severity=Severity.HOSPITALIZATION,
            state_reportable=True,
            reported_at=at(2026, 3, 2, 7, 0),
            learned_at=at(2026, 3, 2, 7, 0),
        )
        clocks_start_for(incident=incident)
        client.force_login(officer)
        early = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    with time_machine.travel(at(2026, 3, 2, 16, 0), tick=False):
        client.force_login(officer)  # A session lasts one shift (8 hours).
        late = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    assert "clock--overdue" not in early
    assert "clock--overdue" in late
    assert "Overdue" in late


@pytest.mark.django_db
def test_it_completes_a_clock_from_the_case_page(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    incident = IncidentFactory(
        department=department, severity=Severity.HOSPITALIZATION, state_reportable=True
    )
    clock = clocks_start_for(incident=incident)[0]
    client.force_login(officer)
    url = reverse("triage:case-clock-complete", args=[incident.reference, clock.pk])
    refused = client.post(url, {f"clock-{clock.pk}-confirmation": ""})
    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    response = client.post(url, {f"clock-{clock.pk}-confirmation": "CAL-1"})
    assert response.status_code == 302
    clock.refresh_from_db()
    assert clock.completed_by == officer
    assert clock.completed_at is not None
    assert clock.history.first().history_user == officer


@pytest.mark.django_db
def test_it_refuses_a_done_time_before_the_city_learned_of_the_case(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    incident = IncidentFactory(
        department=department,
        severity=Severity.HOSPITALIZATION,
        state_reportable=True,
        learned_at=at(2026, 3, 2, 10, 30),
    )
    clock = clocks_start_for(incident=incident)[0]
    client.force_login(officer)
    url = reverse("triage:case-clock-complete", args=[incident.reference, clock.pk])
    early = {
        f"clock-{clock.pk}-confirmation": "CAL-1",
        f"clock-{clock.pk}-completed_at": "2026-03-01T09:00",
    }
    refused = client.post(url, early)
    assert refused.status_code == 200
    assert "cannot be before the clock started (2026-03-02 10:30" in refused.content.decode()
    clock.refresh_from_db()
    assert clock.completed_at is None

    # The minute the clock started is accepted: the field has no seconds.
    early[f"clock-{clock.pk}-completed_at"] = "2026-03-02T10:30"
    assert client.post(url, early).status_code == 302
    clock.refresh_from_db()
    assert clock.completed_at == at(2026, 3, 2, 10, 30)


def _officers_case_from_monday(client, severity):
    """A case the city learned of on Monday, March 3, 2025 at 9:00, with its officer signed in."""
    department = DepartmentFactory()
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))
    return IncidentFactory(
        department=department, severity=severity, learned_at=at(2025, 3, 3, 9, 0)
    )


def _classify_as_hospitalized(client, incident, learned_at: str):
    return client.post(
        reverse("triage:case-classify", args=[incident.reference]),
        {
            "classify-severity": Severity.HOSPITALIZATION,
            "classify-illness_type": "injury",
            "classify-days_away": "0",
            "classify-days_restricted": "0",
            "classify-outcome_learned_at": learned_at,
        },
    )


@pytest.mark.django_db
def test_a_case_that_turned_out_worse_later_counts_its_new_deadlines_from_then(client):
    """Reported on Monday as a clinic visit; the employee was admitted on Wednesday."""
    incident = _officers_case_from_monday(client, Severity.MEDICAL)
    clocks_start_for(incident=incident)

    with time_machine.travel(at(2025, 3, 5, 16, 0), tick=False):
        before_the_case = _classify_as_hospitalized(client, incident, "2025-03-02T09:00")
        in_the_future = _classify_as_hospitalized(client, incident, "2025-03-05T17:00")
        saved = _classify_as_hospitalized(client, incident, "2025-03-05T10:00")

    assert "cannot be before the city learned of the case (2025-03-03 09:00)" in (
        before_the_case.content.decode()
    )
    assert "cannot be in the future" in in_the_future.content.decode()
    assert saved.status_code == 302
    clocks = {clock.kind: clock for clock in incident.clocks.all()}
    calosha = clocks[ClockKind.CALOSHA_REPORT]
    assert (calosha.started_at, calosha.due_at) == (at(2025, 3, 5, 10, 0), at(2025, 3, 5, 18, 0))
    # The clocks the clinic visit started on Monday still count from Monday.
    assert clocks[ClockKind.CLAIM_FORM].started_at == at(2025, 3, 3, 9, 0)


@pytest.mark.django_db
def test_a_classification_without_a_later_outcome_counts_from_the_report(client):
    incident = _officers_case_from_monday(client, Severity.FIRST_AID)

    with time_machine.travel(at(2025, 3, 5, 16, 0), tick=False):
        _classify_as_hospitalized(client, incident, "")

    calosha = incident.clocks.get(kind=ClockKind.CALOSHA_REPORT)
    assert calosha.due_at == at(2025, 3, 3, 17, 0)  # Long past: the officer must explain it.


@pytest.mark.django_db
def test_a_hospital_stay_only_for_observation_stops_the_eight_hour_clock(client):
    """Reported from the phone as "hospital": intake starts the 8-hour clock. The officer learns
    the stay was only for observation, which Cal/OSHA does not count as in-patient (Title 8
    section 330(h)): no report is due, and the clock goes, its history kept."""
    incident = _officers_case_from_monday(client, Severity.HOSPITALIZATION)
    incident.state_reportable = True
    incident.save()
    clocks_start_for(incident=incident)
    assert incident.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists()

    response = client.post(
        reverse("triage:case-classify", args=[incident.reference]),
        {
            "classify-severity": Severity.HOSPITALIZATION,
            "classify-illness_type": "injury",
            "classify-hospital_observation_only": "on",
            "classify-days_away": "1",
            "classify-days_restricted": "0",
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.hospital_observation_only is True
    assert incident.state_reportable is False
    assert incident.is_serious is False
    kinds = set(incident.clocks.values_list("kind", flat=True))
    assert kinds == {ClockKind.CLAIM_FORM, ClockKind.EMPLOYER_REPORT}
    page = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    box = re.search(r'<input type="checkbox" name="classify-hospital_observation_only"[^>]*>', page)
    assert box
    assert " checked" in box.group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("severity", "ticked", "reportable"),
    [
        (Severity.HOSPITALIZATION, False, True),  # an in-patient stay: reportable whatever ticked
        (Severity.FATALITY, False, True),
        (Severity.DAYS_AWAY, False, False),
        (Severity.HOSPITALIZATION, True, True),  # observation only, but serious for another reason
    ],
)
def test_observation_only_is_read_only_with_a_hospital_stay(severity, ticked, reportable):
    incident = IncidentFactory(severity=Severity.MEDICAL)

    incident_classify(
        incident=incident,
        severity=severity,
        illness_type="injury",
        state_reportable=ticked,
        days_away=0,
        days_restricted=0,
        hospital_observation_only=(severity != Severity.HOSPITALIZATION or ticked),
    )

    incident.refresh_from_db()
    assert incident.state_reportable is reportable
    assert incident.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists() is reportable
    assert incident.hospital_observation_only is (severity == Severity.HOSPITALIZATION and ticked)
