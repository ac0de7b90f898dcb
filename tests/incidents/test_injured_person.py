"""A report filed for someone else (a supervisor for a crew member in hospital, say) names the
person hurt, and the OSHA log and Form 301 name that person rather than whoever typed it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.claims import claims_import
from incidents.models import Claim, Incident
from incidents.osha import selectors
from incidents.selectors import _one_keystroke_apart
from riskcabinet.roles import Role
from tests.factories import (
    DepartmentFactory,
    EstablishmentFactory,
    IncidentFactory,
    logged_case,
    user_with_role,
)
from tests.incidents.intake_helpers import report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    user = user_with_role(Role.EMPLOYEE, department=DepartmentFactory())
    user.first_name, user.last_name = "Dana", "Whitfield"
    user.save()
    user.person.job_title = "Sanitation supervisor"
    user.person.save()
    return user


def test_a_report_for_someone_else_keeps_the_person_hurt_and_who_reported_it(client, supervisor):
    client.force_login(supervisor)
    data = report_data(injured_name="Luis Ortega", injured_job_title="Refuse collector")

    response = client.post("/report/", data)

    assert "Thank you: your report was received" in response.content.decode()
    incident = Incident.objects.get()
    assert incident.reporter == supervisor
    assert (incident.injured_name, incident.injured_job_title) == (
        "Luis Ortega",
        "Refuse collector",
    )
    assert incident.history.get().injured_name == "Luis Ortega"


def test_a_job_title_without_a_name_is_sent_back_with_the_typed_text(client, supervisor):
    client.force_login(supervisor)

    response = client.post("/report/", report_data(injured_job_title="Refuse collector"))

    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the name of the person hurt with their job title" in page
    assert re.search(r'<input[^>]*id="id_injured_name"[^>]*aria-invalid="true"', page)
    assert 'value="Refuse collector"' in page
    assert not Incident.objects.exists()


def test_a_near_miss_names_nobody_hurt(client, supervisor):
    client.force_login(supervisor)

    client.post("/report/", report_data(incident_type="near_miss", injured_name="Luis Ortega"))

    assert Incident.objects.get().injured_name == ""


def test_the_anonymous_form_stores_no_name_even_when_one_is_sent(client):
    department = DepartmentFactory()
    data = report_data(department=str(department.pk), injured_name="Luis Ortega")

    client.post("/report/anonymous/", data)

    incident = Incident.objects.get()
    assert (incident.injured_name, incident.injured_job_title) == ("", "")
    assert all(row.injured_name == "" for row in incident.history.all())


def test_the_form_asks_in_spanish(client):
    client.force_login(user_with_role(Role.EMPLOYEE, department=DepartmentFactory(), language="es"))
    page = client.get("/report/").content.decode()
    assert "Nombre de la persona lesionada, si no fue usted" in page
    assert "Déjelo vacío si la persona lesionada es usted." in page
    assert "Puesto de trabajo de esa persona" in page


def test_the_osha_log_and_form_301_name_the_person_hurt_not_the_reporter(supervisor):
    site = EstablishmentFactory(department=supervisor.person.department)
    for_someone = logged_case(
        site,
        reporter=supervisor,
        injured_name="Luis Ortega",
        injured_job_title="Refuse collector",
    )
    own = logged_case(site, reporter=supervisor)

    rows = {row.case_number: row for row in selectors.log_rows(establishment=site, year=2025)}
    report = selectors.case_report(for_someone)

    assert (rows[for_someone.reference].employee_name, rows[for_someone.reference].job_title) == (
        "Luis Ortega",
        "Refuse collector",
    )
    assert (report.employee_name, report.job_title) == ("Luis Ortega", "Refuse collector")
    assert (rows[own.reference].employee_name, rows[own.reference].job_title) == (
        "Dana Whitfield",
        "Sanitation supervisor",
    )


def test_a_privacy_case_hides_the_person_hurt_on_the_log(supervisor):
    site = EstablishmentFactory(department=supervisor.person.department)
    logged_case(site, reporter=supervisor, injured_name="Luis Ortega", privacy_case=True)

    [row] = selectors.log_rows(establishment=site, year=2025)

    assert row.employee_name == "Privacy case"


def test_an_officer_names_or_clears_the_person_hurt_and_it_is_audited(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    incident = IncidentFactory(department=department)
    client.force_login(officer)
    url = reverse("triage:case-injured", args=[incident.reference])

    refused = client.post(url, {"injured-injured_job_title": "Lineman"})
    assert refused.status_code == 200
    assert "Give the name with the job title" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.injured_job_title == ""

    client.post(url, {"injured-injured_name": "Ana Reyes", "injured-injured_job_title": "Lineman"})
    incident.refresh_from_db()
    assert (incident.injured_name, incident.injured_job_title) == ("Ana Reyes", "Lineman")
    page = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    assert re.search(r"<dt>Person hurt</dt><dd>Ana Reyes <span[^>]*>\(Lineman\)", page)

    client.post(url, {"injured-injured_name": "", "injured-injured_job_title": ""})
    incident.refresh_from_db()
    assert incident.injured_name == ""
    latest, before = incident.history.all()[:2]
    assert (latest.injured_name, before.injured_name) == ("", "Ana Reyes")
    assert latest.history_user == officer


def test_an_officer_links_the_case_to_the_employee_record_of_the_person_hurt(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    crew = user_with_role(Role.EMPLOYEE, department=department, employee_id="E700321")
    crew.first_name, crew.last_name = "Luis", "Ortega"
    crew.save()
    crew.person.job_title = "Refuse collector"
    crew.person.save()
    incident = IncidentFactory(department=department)
    client.force_login(officer)
    url = reverse("triage:case-injured", args=[incident.reference])

    client.post(url, {"injured-injured_employee_id": " E700321 "})

    incident.refresh_from_db()
    assert incident.injured_person == crew.person
    assert (incident.injured_name, incident.injured_job_title) == (
        "Luis Ortega",
        "Refuse collector",
    )
    page = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    assert "employee E700321" in page
    assert 'value="E700321"' in page
    assert incident.history.first().injured_person_id == crew.person.pk


def test_an_unknown_employee_id_is_refused_on_its_field(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    incident = IncidentFactory(department=department)
    client.force_login(officer)

    response = client.post(
        reverse("triage:case-injured", args=[incident.reference]),
        {"injured-injured_name": "Ana Reyes", "injured-injured_employee_id": "E999"},
    )

    incident.refresh_from_db()
    assert "No employee has the ID E999." in response.content.decode()
    assert (incident.injured_name, incident.injured_person) == ("", None)


def test_clearing_the_employee_id_unlinks_the_record_and_keeps_the_name_typed(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    crew = user_with_role(Role.EMPLOYEE, department=department, employee_id="E700322")
    incident = IncidentFactory(department=department, injured_person=crew.person)
    client.force_login(officer)

    client.post(
        reverse("triage:case-injured", args=[incident.reference]),
        {"injured-injured_name": "Ana Reyes", "injured-injured_employee_id": ""},
    )

    incident.refresh_from_db()
    assert (incident.injured_name, incident.injured_person) == ("Ana Reyes", None)


# --- The reporter gives the employee ID of the person hurt ---------------------------------------


@pytest.fixture
def crew_member(supervisor):
    user = user_with_role(
        Role.EMPLOYEE, department=supervisor.person.department, employee_id="E400321"
    )
    user.first_name, user.last_name = "Luis", "Ortega"
    user.save()
    user.person.job_title = "Refuse collector"
    user.person.save()
    return user.person


def test_an_employee_id_links_the_report_to_the_person_hurt(client, supervisor, crew_member):
    client.force_login(supervisor)

    response = client.post("/report/", report_data(injured_employee_id=" E400321 "))

    assert response.status_code == 200
    incident = Incident.objects.get()
    assert incident.injured_person == crew_member
    assert (incident.injured_name, incident.injured_job_title) == (
        "Luis Ortega",
        "Refuse collector",
    )
    assert incident.reporter == supervisor
    assert incident.history.get().injured_person_id == crew_member.pk


def test_a_name_typed_beside_the_id_is_kept(client, supervisor, crew_member):
    client.force_login(supervisor)

    client.post("/report/", report_data(injured_name="Lucho", injured_employee_id="E400321"))

    incident = Incident.objects.get()
    assert (incident.injured_name, incident.injured_person) == ("Lucho", crew_member)


def test_an_unknown_employee_id_is_sent_back_on_its_field(client, supervisor, crew_member):
    client.force_login(supervisor)

    response = client.post("/report/", report_data(injured_employee_id="E499999"))

    page = response.content.decode()
    assert response.status_code == 422
    assert "No employee has the ID E499999. Check it, or leave it empty." in page
    assert re.search(r'<input[^>]*id="id_injured_employee_id"[^>]*aria-invalid="true"', page)
    assert not Incident.objects.exists()


def _queued(client, data):
    """A report sent by the phone's queue, which asks for JSON."""
    return client.post("/report/", data, HTTP_ACCEPT="application/json")


def test_a_queued_report_with_an_unknown_employee_id_is_kept_for_the_officer(
    client, supervisor, crew_member
):
    client.force_login(supervisor)

    response = _queued(client, report_data(injured_employee_id=" E499999 "))

    assert response.status_code == 201
    assert response.json()["employee_id_unmatched"] == "E499999"
    incident = Incident.objects.get()
    assert incident.injured_employee_id_unmatched == "E499999"
    assert incident.injured_person is None
    # Someone else was hurt, so the case does not read as the reporter's own injury.
    assert incident.injured_name == "Employee E499999"
    done = client.get(response.json()["url"]).content.decode()
    assert "No employee has the ID E499999: the report was kept" in done


def test_the_stand_in_name_is_given_in_the_reporters_language(client, supervisor):
    supervisor.person.preferred_language = "es"
    supervisor.person.save()
    client.force_login(supervisor)

    response = _queued(client, report_data(injured_employee_id="E499999"))

    done = client.get(response.json()["url"]).content.decode()
    assert "<dd>Empleado E499999</dd>" in done
    # Stored in English, as the officer's pages and the OSHA log give it.
    assert Incident.objects.get().injured_name == "Employee E499999"


def test_a_queued_report_keeps_the_name_typed_beside_an_unknown_id(client, supervisor):
    client.force_login(supervisor)

    _queued(client, report_data(injured_name="Luis Ortega", injured_employee_id="E499999"))

    incident = Incident.objects.get()
    assert (incident.injured_name, incident.injured_employee_id_unmatched) == (
        "Luis Ortega",
        "E499999",
    )


def test_a_queued_report_with_a_known_id_has_nothing_to_check(client, supervisor, crew_member):
    client.force_login(supervisor)

    response = _queued(client, report_data(injured_employee_id="E400321"))

    assert response.json()["employee_id_unmatched"] == ""
    incident = Incident.objects.get()
    assert (incident.injured_person, incident.injured_employee_id_unmatched) == (crew_member, "")


def test_the_officer_sees_the_unknown_id_and_settles_it_by_naming_the_employee(
    client, supervisor, crew_member
):
    client.force_login(supervisor)
    _queued(client, report_data(injured_employee_id="E400312"))
    incident = Incident.objects.get()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(incident.department,))
    client.force_login(officer)
    case_url = reverse("triage:case", args=[incident.reference])

    assert "Employee ID to check" in client.get(reverse("triage:queue")).content.decode()
    page = client.get(case_url).content.decode()
    assert "Employee ID E400312 matches no employee" in page
    assert 'value="E400312"' in page  # Offered for correction under "Person hurt".

    client.post(
        reverse("triage:case-injured", args=[incident.reference]),
        {"injured-injured_name": "Employee E400312", "injured-injured_employee_id": "E400321"},
    )

    incident.refresh_from_db()
    assert incident.injured_person == crew_member
    assert incident.injured_name == "Luis Ortega"  # Not the stand-in name the form offered.
    assert incident.injured_employee_id_unmatched == ""
    assert "matches no employee" not in client.get(case_url).content.decode()
    assert "Employee ID to check" not in client.get(reverse("triage:queue")).content.decode()


def test_the_id_is_not_kept_for_a_report_where_nobody_was_hurt(client, supervisor, crew_member):
    client.force_login(supervisor)

    client.post("/report/", report_data(incident_type="near_miss", injured_employee_id="E400321"))

    assert Incident.objects.get().injured_person is None


def test_the_crew_members_claim_finds_the_report_their_supervisor_filed(
    client, supervisor, crew_member
):
    client.force_login(supervisor)
    client.post("/report/", report_data(injured_employee_id="E400321"))
    incident = Incident.objects.get()
    day = timezone.localtime(incident.occurred_at).date().isoformat()
    header = "claim_number,employee_id,date_of_injury,opened_on,status,paid_to_date,total_incurred"
    data = f"{header}\nWC-77,E400321,{day},{day},open,0,100\n"

    claims_import(data=data.encode(), source_name="claims.csv")

    assert Claim.objects.get().incident == incident


@pytest.mark.parametrize(
    ("typed", "similar"),
    [
        ("E400312", True),  # two neighbours swapped
        ("E400322", True),  # one changed
        ("E40321", True),  # one dropped
        ("E4003211", True),  # one added
        ("e400321", True),  # letter case
        ("E400123", False),  # three apart
        ("E411321", False),  # two changed
    ],
)
def test_an_id_one_slip_away_is_similar(typed, similar):
    assert _one_keystroke_apart(typed, "E400321") is similar


def test_the_officer_is_offered_the_employees_whose_id_is_one_slip_away(
    client, supervisor, crew_member
):
    department = supervisor.person.department
    user_with_role(Role.EMPLOYEE, department=department, employee_id="E400999")
    user_with_role(Role.EMPLOYEE, employee_id="E400322")  # Close, but in another department.
    client.force_login(supervisor)
    _queued(client, report_data(injured_employee_id="E400312"))
    incident = Incident.objects.get()
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))

    page = client.get(reverse("triage:case", args=[incident.reference])).content.decode()
    offered = re.findall(r"It was (E\d+): ([^<]+)</button>", page)

    assert offered == [("E400321", "Luis Ortega, Refuse collector")]
    client.post(
        reverse("triage:case-injured", args=[incident.reference]),
        {
            "injured-injured_name": "",
            "injured-injured_job_title": "",
            "injured-injured_employee_id": "E400321",
        },
    )
    incident.refresh_from_db()
    assert (incident.injured_person, incident.injured_name) == (crew_member, "Luis Ortega")
