"""Who can reach which triage page and case: every role against every URL and object scope."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import riskcabinet.mail
from incidents.models import ActionStatus, CorrectiveAction, PrivacyCaseView, Severity
from incidents.triage_services import corrective_action_reminders_send
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    UserFactory,
    user_with_role,
)
from tests.mailbox import refusing

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "employee",
    "reporter",
    "officer_covering",
    "officer_not_covering",
    "risk_manager",
    "cabinet_member",
    "administrator",
)
PAGE_URLS = ("triage:queue", "triage:export", "triage:actions-overdue")
CASE_GET = ("triage:case", "triage:case-history")
CASE_POST = {
    "triage:case-classify": {
        "classify-severity": "medical",
        "classify-illness_type": "injury",
        "classify-days_away": "0",
        "classify-days_restricted": "0",
    },
    "triage:case-recordability": {"rec-work_related": "yes"},
    "triage:case-privacy": {},
    "triage:case-codes": {"codes-event": "4211"},
    "triage:case-code-accept": {"accept": "event:4211"},
    "triage:case-assign": {},
    "triage:case-status": {"status-status": "triaged"},
    "triage:case-note-add": {"note-body": "Looked at it."},
    "triage:case-investigation": {"inv-why_1": "Because."},
    "triage:case-action-add": {},
    "triage:case-merge": {"merge-into": "INC-0000-000000"},
    "triage:case-duplicate-dismiss": {},
}


@pytest.fixture
def world():
    department = DepartmentFactory()
    reporter = user_with_role(Role.EMPLOYEE, department=department)
    incident = IncidentFactory(department=department, reporter=reporter)
    users = {
        "anonymous": None,
        "employee": user_with_role(Role.EMPLOYEE, department=department),
        "reporter": reporter,
        "officer_covering": user_with_role(Role.SAFETY_OFFICER, covers=(department,)),
        "officer_not_covering": user_with_role(Role.SAFETY_OFFICER, covers=(DepartmentFactory(),)),
        "risk_manager": user_with_role(Role.RISK_MANAGER),
        "cabinet_member": user_with_role(Role.CABINET_MEMBER),
        "administrator": user_with_role(Role.ADMINISTRATOR),
    }
    return incident, users


def login(client, user):
    if user is not None:
        client.force_login(user)


PAGE_ALLOWED = {"officer_covering", "officer_not_covering", "risk_manager", "administrator"}
CASE_ALLOWED = {"officer_covering", "risk_manager", "administrator"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGE_URLS)
def test_it_opens_the_triage_pages_to_triage_roles_only(client, world, role, name):
    _, users = world
    login(client, users[role])
    response = client.get(reverse(name))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
    elif role in PAGE_ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CASE_GET)
def test_it_shows_a_case_only_within_scope(client, world, role, name):
    incident, users = world
    login(client, users[role])
    response = client.get(reverse(name, args=[incident.reference]))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in CASE_ALLOWED:
        assert response.status_code == 200
        assert incident.narrative in response.content.decode() or name.endswith("history")
    elif role in PAGE_ALLOWED:
        assert response.status_code == 404  # Another department's case does not exist for them.
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASE_POST))
def test_it_lets_only_the_case_scope_change_a_case(client, world, role, name):
    incident, users = world
    login(client, users[role])
    before = incident.history.count()
    response = client.post(reverse(name, args=[incident.reference]), CASE_POST[name])
    if role in CASE_ALLOWED:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code in (302, 403, 404)
        if role != "anonymous":
            assert response.status_code in (403, 404)
        assert incident.history.count() == before
        assert incident.notes.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_it_never_lists_another_departments_case(client, world, role):
    incident, users = world
    login(client, users[role])
    response = client.get(reverse("triage:queue"))
    listed = response.status_code == 200 and incident.reference in response.content.decode()
    assert listed == (role in CASE_ALLOWED)
    export = client.get(reverse("triage:export"))
    exported = (
        export.status_code == 200
        and incident.reference in b"".join(export.streaming_content).decode()
    )
    assert exported == (role in CASE_ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_privacy_case_to_its_officers_and_risk_managers_and_logs_each_view(
    client, world, role
):
    incident, users = world
    incident.privacy_case = True
    incident.privacy_reason = "sharps"
    incident.save()
    login(client, users[role])
    response = client.get(reverse("triage:case", args=[incident.reference]))
    allowed = role in ("officer_covering", "risk_manager")
    assert (response.status_code == 200) == allowed
    views = PrivacyCaseView.objects.filter(incident=incident)
    if allowed:
        assert views.get().user == users[role]
    else:
        assert not views.exists()


def test_it_lists_overdue_actions_per_department_within_scope(client, world):
    incident, users = world
    late = CorrectiveActionFactory(
        incident=incident, due_on=timezone.localdate() - timedelta(days=4)
    )
    CorrectiveActionFactory(
        incident=IncidentFactory(), due_on=timezone.localdate() - timedelta(days=4)
    )
    CorrectiveActionFactory(incident=incident, due_on=timezone.localdate() + timedelta(days=4))
    client.force_login(users["officer_covering"])
    body = client.get(reverse("triage:actions-overdue")).content.decode()
    assert incident.department.name in body
    assert late.description in body
    assert body.count("is-overdue") == 1


def test_it_reminds_each_owner_once_a_day(world):
    incident, _ = world
    owner = UserFactory(email="owner@riskcabinet.example")
    for days in (-3, 1, 20):
        CorrectiveActionFactory(
            incident=incident, owner=owner, due_on=timezone.localdate() + timedelta(days=days)
        )
    CorrectiveActionFactory(
        incident=incident,
        owner=owner,
        status=ActionStatus.DONE,
        due_on=timezone.localdate() - timedelta(days=9),
    )
    assert corrective_action_reminders_send() == 1
    assert corrective_action_reminders_send() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@riskcabinet.example"]
    assert "1 overdue" in message.subject
    assert incident.reference in message.body
    assert message.body.count("- ") == 2  # The overdue one and the one due tomorrow.
    # Each links to "My actions", where the owner can mark it done without opening the case.
    assert message.body.count("/my-actions/#action-") == 2


def test_it_reminds_an_owner_in_their_own_language(world):
    incident, _ = world
    owner = user_with_role(Role.EMPLOYEE, language="es", username="capataz")
    owner.email = "capataz@riskcabinet.example"
    owner.save()
    for days in (-1, -5):
        CorrectiveActionFactory(
            incident=incident, owner=owner, due_on=timezone.localdate() + timedelta(days=days)
        )

    assert corrective_action_reminders_send() == 1

    message = mail.outbox[0]
    assert message.subject == "[riskcabinet] 2 medidas correctivas vencidas"
    assert "Estas medidas correctivas a su cargo están vencidas:" in message.body
    assert f"Caso {incident.reference}, fecha límite: " in message.body
    assert "/my-actions/#action-" in message.body


def test_a_refused_address_does_not_stop_the_other_owners_reminders(world, monkeypatch):
    incident, _ = world
    owners = [UserFactory(username=name, email=f"{name}@riskcabinet.example") for name in "abc"]
    for owner in owners:
        CorrectiveActionFactory(
            incident=incident, owner=owner, due_on=timezone.localdate() - timedelta(days=2)
        )
    monkeypatch.setattr(riskcabinet.mail, "send_mail", refusing("b@riskcabinet.example"))

    assert corrective_action_reminders_send() == 2

    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@riskcabinet.example",
        "c@riskcabinet.example",
    ]
    reminded = dict(CorrectiveAction.objects.values_list("owner__username", "last_reminded_on"))
    today = timezone.localdate()
    assert reminded == {"a": today, "b": None, "c": today}  # b is tried again tomorrow.


def test_an_owner_whose_account_is_closed_gets_no_reminders(world):
    incident, _ = world
    former = UserFactory(email="former@riskcabinet.example", is_active=False)
    CorrectiveActionFactory(
        incident=incident, owner=former, due_on=timezone.localdate() - timedelta(days=2)
    )

    assert corrective_action_reminders_send() == 0
    assert mail.outbox == []


def test_it_registers_the_reminder_task_under_the_beat_schedule_name():
    from riskcabinet.celery import app

    app.loader.import_default_modules()
    assert "incidents.tasks.corrective_action_reminders_send" in app.tasks


def test_it_hides_serious_badges_from_nobody_in_scope(client, world):
    incident, users = world
    incident.severity = Severity.FATALITY
    incident.save()
    client.force_login(users["officer_covering"])
    assert "Serious" in client.get(reverse("triage:queue")).content.decode()
