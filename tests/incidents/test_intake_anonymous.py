"""Anonymous near misses: no identity in the incident, its history, the session or the page."""

import pytest

from incidents.models import Incident, IncidentType, Source, Status
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role
from tests.incidents.intake_helpers import report_data

pytestmark = pytest.mark.django_db
ANONYMOUS_URL = "/report/anonymous/"
STATUS_URL = "/report/anonymous/status/"


@pytest.fixture
def department():
    return DepartmentFactory(name="Street Services")


def _anonymous_data(department, **overrides):
    data = report_data(incident_type="injury_illness", department=department.pk)
    data.update(overrides)
    return data


def test_it_takes_a_near_miss_without_signing_in(client, department):
    assert client.get(ANONYMOUS_URL).status_code == 200
    response = client.post(ANONYMOUS_URL, _anonymous_data(department))
    incident = Incident.objects.get()
    assert incident.source == Source.ANONYMOUS
    assert incident.incident_type == IncidentType.NEAR_MISS
    assert incident.reporter is None
    assert incident.body_part == ""
    assert incident.involved_people == ""
    assert incident.receipt_code in response.content.decode()


def test_it_stores_no_identity_even_for_a_signed_in_sender(client, department):
    user = user_with_role(Role.EMPLOYEE, department=department)
    client.force_login(user)
    session_before = dict(client.session.items())
    client.post(ANONYMOUS_URL, _anonymous_data(department))
    incident = Incident.objects.get()
    assert incident.reporter is None
    assert all(row.history_user is None for row in incident.history.all())
    assert dict(client.session.items()) == session_before


def test_it_writes_no_session_for_a_visitor(client, department):
    response = client.post(ANONYMOUS_URL, _anonymous_data(department))
    assert "sessionid" not in response.cookies
    assert "sessionid" not in client.cookies


def test_it_requires_a_department_from_the_list(client):
    response = client.post(ANONYMOUS_URL, report_data())
    assert "Choose a department." in response.content.decode()
    assert not Incident.objects.exists()


def test_it_shows_the_status_for_a_receipt_code(client, department):
    client.post(ANONYMOUS_URL, _anonymous_data(department))
    incident = Incident.objects.get()
    Incident.objects.filter(pk=incident.pk).update(status=Status.INVESTIGATING)
    typed = incident.receipt_code.replace("-", " ").lower()
    page = client.post(STATUS_URL, {"receipt_code": typed}).content.decode()
    assert incident.reference in page
    assert "Investigating" in page


def test_it_says_when_no_report_has_the_code(client):
    page = client.post(STATUS_URL, {"receipt_code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "No report has this receipt code" in page


def test_it_gives_a_resend_the_same_receipt(client, department):
    data = _anonymous_data(department)
    first = client.post(ANONYMOUS_URL, data)
    second = client.post(ANONYMOUS_URL, data)
    incident = Incident.objects.get()
    assert incident.receipt_code in first.content.decode()
    assert incident.receipt_code in second.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Report a near miss anonymously"), ("es", "Reportar un casi accidente de forma")],
)
def test_the_sign_in_page_leads_to_the_anonymous_form(client, language, words):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'href="{ANONYMOUS_URL}"' in page
    assert f'href="{STATUS_URL}"' in page
    assert words in page
