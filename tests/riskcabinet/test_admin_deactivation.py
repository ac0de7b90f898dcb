"""An administrator deactivating someone who left in the admin: their open cases go back to
nobody (so the queue shows them as unassigned), and the admin names the actions they still own."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from incidents.models import ActionStatus, Status
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def leaver():
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="leaver")
    open_case = IncidentFactory(department=department, assignee=officer, status=Status.TRIAGED)
    closed_case = IncidentFactory(department=department, assignee=officer, status=Status.CLOSED)
    action = CorrectiveActionFactory(incident=open_case, owner=officer)
    CorrectiveActionFactory(incident=closed_case, owner=officer, status=ActionStatus.DONE)
    return officer, open_case, closed_case, action


def test_deactivating_an_officer_puts_their_open_cases_back_to_nobody(client, leaver):
    officer, open_case, closed_case, _action = leaver
    admin_user = user_with_role(Role.ADMINISTRATOR, username="sysadmin")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/auth/user/{officer.pk}/change/", _change_form(officer, is_active=None)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not get_user_model().objects.get(pk=officer.pk).is_active
    open_case.refresh_from_db()
    closed_case.refresh_from_db()
    assert open_case.assignee is None
    # A closed case keeps who had it: the record of who handled it.
    assert closed_case.assignee_id == officer.pk
    last = open_case.history.first()
    assert last.history_user_id == admin_user.pk
    assert "deactivated" in last.history_change_reason


def test_the_admin_names_the_open_actions_the_leaver_still_owns(client, leaver):
    officer, open_case, _closed_case, _action = leaver
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    response = client.post(
        f"/admin/auth/user/{officer.pk}/change/", _change_form(officer, is_active=None)
    )

    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert open_case.reference in messages
    assert "1 open case" in messages
    assert "1 open corrective action" in messages


def test_saving_an_active_user_unchanged_leaves_their_cases_alone(client, leaver):
    officer, open_case, _closed_case, _action = leaver
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    client.post(f"/admin/auth/user/{officer.pk}/change/", _change_form(officer))

    open_case.refresh_from_db()
    assert open_case.assignee_id == officer.pk
