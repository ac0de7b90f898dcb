"""An administrator deactivating someone who left in the admin: their open cases go back to
nobody (so the queue shows them as unassigned), and the admin names the actions they still own."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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


def _saved_messages(client, user, **changes) -> list[str]:
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    response = client.post(f"/admin/auth/user/{user.pk}/change/", _change_form(user, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_account_put_in_two_role_groups_is_told_which_role_it_acts_in(client):
    officer = user_with_role(Role.SAFETY_OFFICER, username="two.hats")
    groups = [Group.objects.get(name="safety officer"), Group.objects.get(name="cabinet member")]

    messages = _saved_messages(client, officer, groups=[group.pk for group in groups])

    assert any(
        "two.hats is in 2 role groups (safety officer, cabinet member)" in message
        and "those of a safety officer" in message
        for message in messages
    ), messages


def test_an_account_in_no_role_group_is_told_it_sees_nothing(client):
    employee = user_with_role(Role.EMPLOYEE, username="no.role")

    messages = _saved_messages(client, employee, groups=[])

    assert any("no.role is in no role group" in message for message in messages), messages


def test_an_account_in_one_role_group_saves_without_a_warning(client):
    officer = user_with_role(Role.SAFETY_OFFICER, username="one.hat")

    messages = _saved_messages(client, officer, first_name="Ana")

    assert not any("role group" in message for message in messages), messages
