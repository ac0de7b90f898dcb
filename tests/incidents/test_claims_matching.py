"""Which case a claim belongs to: corrected claims, short dates, near misses and new hires."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from incidents.claims import claim_case_open, claim_link, claims_import
from incidents.models import Claim, Incident, IncidentType, Severity, Source
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
HEADER = "claim_number,employee_id,date_of_injury,opened_on,status,paid_to_date,total_incurred\n"


def _import(rows: str):
    return claims_import(data=(HEADER + rows).encode(), source_name="claims.csv")


@pytest.fixture
def sanitation():
    return DepartmentFactory(code="LASAN")


def _injury(department, reporter, day=10, **fields):
    return IncidentFactory(
        department=department,
        reporter=reporter,
        occurred_at=datetime(2025, 4, day, 9, tzinfo=LA),
        **fields,
    )


def test_a_two_digit_year_is_refused_with_its_line():
    result = _import("WC-1,,,3/4/25,open,0,100\nWC-2,,,1025-03-04,open,0,100\n")

    assert not Claim.objects.exists()
    assert [line for line, _ in result.bad_rows] == [2, 3]
    assert "'3/4/25' is not a date (YYYY-MM-DD or MM/DD/YYYY)" in result.bad_rows[0][1]
    assert "a mistyped year?" in result.bad_rows[1][1]


def test_a_corrected_employee_id_takes_the_claim_off_the_co_workers_case(sanitation):
    co_worker = user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700003")
    user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700002")
    co_workers_case = _injury(sanitation, co_worker)
    _import("WC-6,E700003,2025-04-10,2025-04-12,open,0,100\n")
    assert Claim.objects.get(claim_number="WC-6").incident == co_workers_case

    result = _import("WC-6,E700002,2025-04-10,2025-04-12,open,0,40000\n")

    claim = Claim.objects.get(claim_number="WC-6")
    assert (claim.employee_id, claim.incident) == ("E700002", None)
    assert [(line, number) for line, number, _ in result.unlinked] == [(2, "WC-6")]


def test_a_later_file_that_leaves_the_employee_blank_keeps_the_link(sanitation):
    worker = user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700002")
    case = _injury(sanitation, worker)
    _import("WC-8,E700002,2025-04-10,2025-04-12,open,0,100\n")

    result = _import("WC-8,,,2025-04-12,open,50,100\n")

    assert Claim.objects.get(claim_number="WC-8").incident == case
    assert result.unlinked == []


def test_a_near_miss_the_employee_reported_is_not_taken_for_their_injury(sanitation):
    worker = user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700002")
    _injury(sanitation, worker, incident_type=IncidentType.NEAR_MISS, severity=Severity.NONE)

    result = _import("WC-3,E700002,2025-04-10,2025-04-12,open,0,25000\n")

    assert Claim.objects.get(claim_number="WC-3").incident is None
    assert result.unlinked[0][2] == "no report by employee E700002 on 2025-04-10"


def test_a_claim_finds_the_report_filed_under_a_new_hires_id(sanitation):
    supervisor = user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700001")
    reported = _injury(
        sanitation,
        supervisor,
        source=Source.INTAKE,
        injured_name="Employee E799999",
        injured_employee_id_unmatched="E799999",
    )

    _import("WC-4,E799999,2025-04-10,2025-04-12,open,0,300\n")

    assert Claim.objects.get(claim_number="WC-4").incident == reported


def test_a_case_opened_for_a_new_hire_is_found_by_their_next_claim(sanitation):
    manager = user_with_role(Role.RISK_MANAGER, department=sanitation)
    _import("WC-5,E799998,2025-04-10,2025-04-12,open,0,300\n")
    opened = claim_case_open(
        claim=Claim.objects.get(claim_number="WC-5"), user=manager, department=sanitation
    ).incident

    _import("WC-9,E799998,2025-04-10,2025-04-20,open,0,90\n")

    assert opened.injured_employee_id_unmatched == "E799998"
    assert Claim.objects.get(claim_number="WC-9").incident == opened
    assert Incident.objects.count() == 1


def test_a_claim_linked_by_hand_is_not_listed_again_as_counting_for_no_department(sanitation):
    manager = user_with_role(Role.RISK_MANAGER, department=sanitation)
    case = IncidentFactory(department=sanitation, occurred_at=datetime(2025, 4, 10, 9, tzinfo=LA))
    _import("WC-7,,,2025-04-12,open,0,100\n")
    claim_link(claim=Claim.objects.get(claim_number="WC-7"), reference=case.reference, user=manager)

    result = _import("WC-7,,,2025-04-12,open,50,100\n")

    assert Claim.objects.get(claim_number="WC-7").incident == case
    assert result.record.unlinked == []
    assert Claim.objects.get(claim_number="WC-7").opened_on == date(2025, 4, 12)


def test_a_report_cannot_take_the_number_of_a_case_a_claim_will_open(sanitation, client):
    import uuid

    from django.urls import reverse

    from incidents.claims import CLAIM_CASE_NAMESPACE
    from tests.incidents.intake_helpers import report_data

    worker = user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700002")
    other = user_with_role(Role.EMPLOYEE, department=DepartmentFactory())
    manager = user_with_role(Role.RISK_MANAGER, department=sanitation)
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,90000\n")
    number = uuid.uuid5(CLAIM_CASE_NAMESPACE, "WC-1")
    client.force_login(other)

    response = client.post(reverse("incidents:report-create"), report_data(client_uuid=str(number)))
    # An older report that holds such a number (sent before the phone refused them).
    decoy = IncidentFactory(reporter=other, client_uuid=number, source=Source.INTAKE)
    opened = claim_case_open(claim=Claim.objects.get(claim_number="WC-1"), user=manager).incident

    assert response.status_code == 422  # Refused: a phone numbers its reports at random.
    assert "client_uuid" in response.context["form"].errors
    assert opened != decoy
    assert (opened.source, opened.injured_person) == (Source.CLAIM, worker.person)
    assert Claim.objects.get(claim_number="WC-1").incident == opened
