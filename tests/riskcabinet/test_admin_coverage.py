"""An administrator taking a department off a safety officer's coverage in the admin: the open
cases there that were assigned to the officer, who can no longer open them, go back to nobody."""

import pytest
from django.contrib.messages import get_messages

from incidents.models import Status
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_removing_a_department_from_an_officers_coverage_unassigns_their_cases_there(client):
    kept, dropped = DepartmentFactory(), DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(kept, dropped), username="ofc")
    stays = IncidentFactory(department=kept, assignee=officer)
    leaves = IncidentFactory(department=dropped, assignee=officer)
    closed = IncidentFactory(department=dropped, assignee=officer, status=Status.CLOSED)
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    person = officer.person

    response = client.post(
        f"/admin/riskcabinet/person/{person.pk}/change/",
        {
            "user": officer.pk,
            "employee_id": "",
            "department": person.department_id,
            "job_title": person.job_title,
            "preferred_language": person.preferred_language,
            "last_language": "",
            "covered_departments": [kept.pk],
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(person.covered_departments.all()) == [kept]
    for case in (stays, leaves, closed):
        case.refresh_from_db()
    assert stays.assignee_id == officer.pk
    assert leaves.assignee is None
    assert closed.assignee_id == officer.pk
    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert leaves.reference in messages
