"""Assigning the cases ticked on the triage queue to one person, in one go."""

import pytest
from django.core import mail
from django.urls import reverse

from incidents.models import Incident
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db
ASSIGN = reverse("triage:bulk-assign")
QUEUE = reverse("triage:queue")


@pytest.fixture
def sanitation():
    return DepartmentFactory(code="LASAN", name="Sanitation")


@pytest.fixture
def parks():
    return DepartmentFactory(code="RAP", name="Recreation and Parks")


@pytest.fixture
def lead(sanitation, parks):
    user = user_with_role(Role.SAFETY_OFFICER, covers=(sanitation, parks), username="lead")
    user.first_name, user.last_name = "Marcus", "Bell"
    user.save()
    return user


@pytest.fixture
def colleague(sanitation):
    user = user_with_role(Role.SAFETY_OFFICER, covers=(sanitation,), username="colleague")
    user.first_name, user.last_name = "Ana", "Reyes"
    user.save()
    return user


def _assign(client, assignee, *incidents, next=""):
    data = {"assignee": assignee.pk, "cases": [i.reference for i in incidents], "next": next}
    return client.post(ASSIGN, data, follow=True)


def test_the_queue_offers_the_people_who_may_take_its_cases_with_me_first_chosen(
    client, lead, colleague
):
    user_with_role(Role.SAFETY_OFFICER, username="elsewhere")  # Covers another department.
    client.force_login(lead)

    page = client.get(QUEUE).content.decode()

    assert '<form id="bulk-assign"' in page
    assert f'<option value="{lead.pk}" selected>Me (Marcus Bell)</option>' in page
    assert "Ana Reyes" in page
    assert "elsewhere" not in page


def test_ticked_cases_are_assigned_audited_and_the_queue_comes_back_as_it_was(
    client, lead, sanitation, parks, django_capture_on_commit_callbacks
):
    first, second = IncidentFactory(department=sanitation), IncidentFactory(department=parks)
    untouched = IncidentFactory(department=sanitation)
    client.force_login(lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = _assign(client, lead, first, second, next="status=new&sort=oldest")

    assert response.redirect_chain[-1][0] == f"{QUEUE}?status=new&sort=oldest"
    assert "2 cases assigned to Marcus Bell." in response.content.decode()
    for incident in (first, second):
        incident.refresh_from_db()
        assert incident.assignee == lead
        assert incident.history.first().assignee_id == lead.pk
        assert incident.history.first().history_user == lead
    untouched.refresh_from_db()
    assert untouched.assignee is None
    assert mail.outbox == []  # Nobody is emailed about cases they took themselves.


def test_a_case_of_a_department_the_assignee_does_not_cover_is_left_and_said(
    client, lead, colleague, sanitation, parks
):
    theirs, not_theirs = IncidentFactory(department=sanitation), IncidentFactory(department=parks)
    client.force_login(lead)

    page = _assign(client, colleague, theirs, not_theirs).content.decode()

    theirs.refresh_from_db()
    not_theirs.refresh_from_db()
    assert theirs.assignee == colleague
    assert not_theirs.assignee is None
    assert "1 case assigned to Ana Reyes." in page
    assert (
        f"{not_theirs.reference} not assigned: Ana Reyes does not cover Recreation and Parks."
        in page
    )


def test_a_case_outside_the_users_scope_is_never_touched(client, lead, sanitation):
    outside = IncidentFactory()  # Another department, which the lead does not cover.
    client.force_login(lead)

    _assign(client, lead, outside)

    outside.refresh_from_db()
    assert outside.assignee is None


def test_the_new_assignee_gets_one_email_for_all_the_cases(
    client, lead, colleague, sanitation, django_capture_on_commit_callbacks
):
    cases = [IncidentFactory(department=sanitation) for _ in range(3)]
    already = IncidentFactory(department=sanitation, assignee=colleague)
    client.force_login(lead)

    with django_capture_on_commit_callbacks(execute=True):
        page = _assign(client, colleague, *cases, already).content.decode()

    [message] = mail.outbox
    assert message.to == [colleague.email]
    assert message.subject == "[riskcabinet] 3 cases assigned to you"
    assert "Marcus Bell assigned you 3 cases:" in message.body
    for incident in cases:
        assert incident.reference in message.body
        assert f"/triage/{incident.reference}/" in message.body
        assert incident.narrative not in message.body
    assert already.reference not in message.body
    assert f"Already assigned to Ana Reyes: {already.reference}." in page


def test_nothing_ticked_or_nobody_chosen_is_said_and_changes_nothing(client, lead, sanitation):
    incident = IncidentFactory(department=sanitation)
    client.force_login(lead)

    nothing = client.post(ASSIGN, {"assignee": lead.pk}, follow=True).content.decode()
    nobody = client.post(ASSIGN, {"cases": [incident.reference]}, follow=True).content.decode()

    assert "Tick the cases to assign." in nothing
    assert "Choose who is to have the ticked cases." in nobody
    assert Incident.objects.get().assignee is None


def test_only_triage_staff_may_assign_and_only_by_post(client, lead, sanitation):
    incident = IncidentFactory(department=sanitation)
    client.force_login(user_with_role(Role.EMPLOYEE, department=sanitation))
    assert (
        client.post(ASSIGN, {"assignee": lead.pk, "cases": [incident.reference]}).status_code == 403
    )
    client.force_login(lead)
    assert client.get(ASSIGN).status_code == 405


def test_the_way_back_to_the_queue_is_only_ever_the_queue(client, lead, sanitation):
    incident = IncidentFactory(department=sanitation)
    client.force_login(lead)

    response = client.post(
        ASSIGN,
        {"assignee": lead.pk, "cases": [incident.reference], "next": "q=a b\r\nSet-Cookie: x=1"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"{QUEUE}?q=")
    assert "\n" not in response["Location"]
