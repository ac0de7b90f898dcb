"""A claim for an injury that was never reported: the file's employee and date of injury are kept
with the claim, and a risk manager opens the case from it in one click."""

import importlib
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from incidents.claims import claim_link, claims_import
from incidents.models import Claim, ClockKind, Incident, Severity, Source
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db

CLAIMS_URL = "/triage/claims/"
HEADER = "claim_number,employee_id,date_of_injury,opened_on,status,paid_to_date,total_incurred,"
HEADER += "lost_days\n"


@pytest.fixture
def sanitation():
    return DepartmentFactory(code="LASAN", name="Sanitation")


@pytest.fixture
def manager(sanitation):
    return user_with_role(Role.RISK_MANAGER, department=DepartmentFactory(code="PER"))


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def crew_member(sanitation):
    user = user_with_role(Role.EMPLOYEE, department=sanitation, employee_id="E700002")
    user.first_name, user.last_name = "Ana", "Reyes"
    user.save()
    return user.person


def _import(text: str, user=None):
    return claims_import(data=(HEADER + text).encode(), source_name="claims.csv", user=user)


def _open(client, claim: Claim):
    return client.post(reverse("triage:claim-case-open", kwargs={"pk": claim.pk}))


def _page_after(client, response) -> str:
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_the_import_keeps_whom_and_when_each_claim_is_for():
    result = _import("WC-1,E700002,04/10/2025,2025-04-12,open,0,900,0\n")

    claim = Claim.objects.get()
    assert (claim.employee_id, claim.injured_on) == ("E700002", date(2025, 4, 10))
    assert result.unlinked == [(2, "WC-1", "no report by employee E700002 on 2025-04-10")]


def test_a_later_file_that_leaves_them_blank_keeps_them_and_one_that_gives_them_updates_them():
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,900,0\n")

    _import("WC-1,,,2025-04-12,open,100,900,0\n")
    kept = Claim.objects.get()
    _import("WC-1,E700003,2025-04-11,2025-04-12,open,100,900,0\n")
    changed = Claim.objects.get()

    assert (kept.employee_id, kept.injured_on, kept.paid_to_date) == (
        "E700002",
        date(2025, 4, 10),
        100,
    )
    assert (changed.employee_id, changed.injured_on) == ("E700003", date(2025, 4, 11))


def test_an_employee_id_too_long_for_the_records_is_a_bad_row():
    result = _import("WC-1," + "E" * 21 + ",2025-04-10,2025-04-12,open,0,900,0\n")

    assert result.bad_rows == [(2, "employee_id is longer than 20 characters")]
    assert not Claim.objects.exists()


def test_the_page_names_the_employee_and_offers_to_open_the_case(manager_client, crew_member):
    _import(
        "WC-1,E700002,2025-04-10,2025-04-12,open,0,900,0\n"
        "WC-2,E799999,2025-04-11,2025-04-12,open,0,500,0\n"
    )
    known, unknown = Claim.objects.order_by("claim_number")

    page = manager_client.get(CLAIMS_URL).content.decode()

    assert "Employee E700002, Ana Reyes (Sanitation) · hurt Apr 10, 2025" in page
    assert "Employee E799999 (not in the employee records) · hurt Apr 11, 2025" in page
    assert reverse("triage:claim-case-open", kwargs={"pk": known.pk}) in page
    assert reverse("triage:claim-case-open", kwargs={"pk": unknown.pk}) in page
    # Only the employee who is not in the records needs the department chosen.
    assert f'id="claim-{unknown.pk}-department"' in page
    assert f'id="claim-{known.pk}-department"' not in page


def test_opening_the_case_files_it_for_the_employee_and_links_the_claim(
    manager_client, manager, crew_member, sanitation
):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,4800,3\n")
    claim = Claim.objects.get()

    response = _open(manager_client, claim)

    incident = Incident.objects.get()
    claim.refresh_from_db()
    assert response["Location"] == reverse("triage:case", kwargs={"reference": incident.reference})
    assert claim.incident == incident
    assert incident.source == Source.CLAIM
    assert incident.department == sanitation
    assert incident.injured_person == crew_member
    assert (incident.injured_name, incident.injured_job_title) == ("Ana Reyes", "Test job")
    assert timezone.localtime(incident.occurred_at).date() == date(2025, 4, 10)
    assert incident.occurred_time_known is False  # The claim gives the day, not the hour.
    assert incident.severity == Severity.DAYS_AWAY  # the claim has lost days
    assert "claim WC-1" in incident.narrative
    assert incident.reporter == manager
    assert incident.history.earliest().history_user == manager
    entry = claim.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        manager,
        f"Case {incident.reference} opened from this claim",
    )
    # The claim is the employee's claim form: that deadline is met; Form 5020 is still due.
    clocks = {clock.kind: clock for clock in incident.clocks.all()}
    assert clocks[ClockKind.CLAIM_FORM].completed_by == manager
    assert clocks[ClockKind.CLAIM_FORM].confirmation == "Claim WC-1"
    assert clocks[ClockKind.EMPLOYER_REPORT].completed_at is None
    page = manager_client.get(response["Location"]).content.decode()
    assert f"Case {incident.reference} is open for claim WC-1." in page
    assert "Workers&#x27; compensation claim" in page


def test_a_claim_without_lost_days_opens_a_medical_treatment_case(manager_client, crew_member):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")

    _open(manager_client, Claim.objects.get())

    assert Incident.objects.get().severity == Severity.MEDICAL


def test_a_second_click_shows_the_same_case(manager_client, crew_member):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    claim = Claim.objects.get()

    first = _open(manager_client, claim)
    second = _open(manager_client, claim)

    assert Incident.objects.count() == 1
    assert second["Location"] == first["Location"]
    assert "Claim WC-1 is already linked to" in _page_after(manager_client, second)


def test_a_report_filed_meanwhile_gets_the_claim_instead_of_a_second_case(
    manager_client, crew_member, sanitation
):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    claim = Claim.objects.get()
    tz = timezone.get_current_timezone()
    report = IncidentFactory(
        department=sanitation,
        reporter=crew_member.user,
        occurred_at=timezone.make_aware(datetime.combine(date(2025, 4, 10), time(8, 5)), tz),
    )

    response = _open(manager_client, claim)

    claim.refresh_from_db()
    assert Incident.objects.count() == 1
    assert claim.incident == report
    assert "The employee has reported this injury meanwhile" in _page_after(
        manager_client, response
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "WC-1,E799999,2025-04-10,2025-04-12,open,0,300,0\n",
            "Employee E799999 is not in the employee records: choose the department",
        ),
        (
            "WC-1,,,2025-04-12,open,0,300,0\n",
            "The claims file gives no employee ID and date of injury for WC-1",
        ),
        (
            "WC-1,E700002,{tomorrow},2025-04-12,open,0,300,0\n",
            "a day still to come, as the date of injury for WC-1",
        ),
    ],
)
def test_a_claim_that_names_no_known_employee_or_day_opens_no_case(
    manager_client, crew_member, row, message
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    _import(row.format(tomorrow=tomorrow.isoformat()))

    response = _open(manager_client, Claim.objects.get())

    assert not Incident.objects.exists()
    assert Claim.objects.get().incident is None
    assert message in _page_after(manager_client, response).replace("&#x27;", "'")


def test_an_employee_not_in_the_records_gets_a_case_in_the_department_chosen(
    manager_client, manager, sanitation
):
    _import("WC-1,E799999,2025-04-10,2025-04-12,open,0,300,2\n")
    claim = Claim.objects.get()

    response = manager_client.post(
        reverse("triage:claim-case-open", kwargs={"pk": claim.pk}), {"department": sanitation.pk}
    )

    incident = Incident.objects.get()
    assert response["Location"] == reverse("triage:case", kwargs={"reference": incident.reference})
    assert incident.department == sanitation
    assert incident.injured_person is None
    # Never empty: an empty name would make the risk manager who opened it the person hurt.
    assert incident.injured_name == "Employee E799999"
    assert "Ask employee E799999 and their supervisor" in incident.narrative
    assert Claim.objects.get().incident == incident
    assert incident.clocks.get(kind=ClockKind.CLAIM_FORM).completed_by == manager


def test_a_department_not_in_the_list_opens_no_case(manager_client, sanitation):
    _import("WC-1,E799999,2025-04-10,2025-04-12,open,0,300,0\n")

    response = manager_client.post(
        reverse("triage:claim-case-open", kwargs={"pk": Claim.objects.get().pk}),
        {"department": "99999"},
    )

    assert not Incident.objects.exists()
    assert "Choose the department from the list." in _page_after(manager_client, response)


def test_only_risk_managers_open_cases_from_claims(client, crew_member, sanitation):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    officer = user_with_role(Role.SAFETY_OFFICER, department=sanitation, covers=(sanitation,))
    client.force_login(officer)

    response = _open(client, Claim.objects.get())

    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_the_upload_page_imports_the_new_columns_too(manager_client, crew_member):
    data = (HEADER + "WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n").encode()

    manager_client.post(CLAIMS_URL, {"file": SimpleUploadedFile("c.csv", data, "text/csv")})

    assert Claim.objects.get().employee_id == "E700002"


# --- A link made by hand stays --------------------------------------------------------------


def _reported_by(person, department, day: date, hour: int) -> Incident:
    tz = timezone.get_current_timezone()
    return IncidentFactory(
        department=department,
        reporter=person.user,
        occurred_at=timezone.make_aware(datetime.combine(day, time(hour, 0)), tz),
    )


def test_a_later_file_does_not_move_a_claim_a_risk_manager_linked(
    manager_client, manager, crew_member, sanitation
):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    claim = Claim.objects.get()
    chosen = IncidentFactory(department=sanitation)
    manager_client.post(
        reverse("triage:claim-link", kwargs={"pk": claim.pk}), {"reference": chosen.reference}
    )
    # The employee's own report of that day, filed later, now matches the file.
    matched = _reported_by(crew_member, sanitation, date(2025, 4, 10), 9)

    result = _import("WC-1,E700002,2025-04-10,2025-04-12,open,50,300,0\n")

    claim.refresh_from_db()
    assert claim.incident == chosen
    assert claim.paid_to_date == 50  # The rest of the row is imported.
    assert result.links_kept == [
        (2, "WC-1", f"linked by hand to {chosen.reference}; the file matches {matched.reference}")
    ]
    page = manager_client.get(
        reverse("triage:claims-import", kwargs={"pk": result.record.pk})
    ).content.decode()
    assert "Links made by hand, kept" in page
    assert f"the file matches {matched.reference}" in page


def test_a_file_still_moves_a_claim_it_linked_itself(crew_member, sanitation):
    first = _reported_by(crew_member, sanitation, date(2025, 4, 10), 9)
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    assert Claim.objects.get().incident == first
    other = IncidentFactory(department=sanitation)

    text = "claim_number,incident_reference,opened_on,status,paid_to_date,total_incurred\n"
    text += f"WC-1,{other.reference},2025-04-12,open,0,300\n"
    result = claims_import(data=text.encode(), source_name="claims.csv")

    assert Claim.objects.get().incident == other
    assert result.links_kept == []


def test_the_migration_marks_the_claims_linked_by_hand_before_it(manager, crew_member, sanitation):
    migration = importlib.import_module("incidents.migrations.0010_claims_for_unreported_injuries")
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\nWC-2,,,2025-04-12,open,0,1,0\n")
    by_hand, by_file = Claim.objects.order_by("claim_number")
    claim_link(
        claim=by_hand, reference=IncidentFactory(department=sanitation).reference, user=manager
    )
    Claim.objects.filter(pk=by_file.pk).update(incident=IncidentFactory(department=sanitation))
    Claim.objects.update(linked_by_hand=False)

    migration.links_made_by_hand_mark(apps, None)

    assert list(
        Claim.objects.order_by("claim_number").values_list("linked_by_hand", flat=True)
    ) == [
        True,
        False,
    ]


def test_several_reports_filed_meanwhile_are_left_for_the_risk_manager_to_choose(
    manager_client, crew_member, sanitation
):
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    for hour in (8, 15):
        _reported_by(crew_member, sanitation, date(2025, 4, 10), hour)

    response = _open(manager_client, Claim.objects.get())

    assert Incident.objects.count() == 2
    assert Claim.objects.get().incident is None
    assert "has several reports of 2025-04-10 now: link WC-1 to the right one" in _page_after(
        manager_client, response
    )


def test_the_queue_marks_a_case_opened_from_a_claim(manager_client, crew_member, sanitation):
    IncidentFactory(department=sanitation)
    _import("WC-1,E700002,2025-04-10,2025-04-12,open,0,300,0\n")
    _open(manager_client, Claim.objects.get())

    page = manager_client.get(reverse("triage:queue")).content.decode()

    assert page.count(">From a claim</span>") == 1
