"""Officers are warned once of each compliance deadline that is near or has passed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents.models import ClockKind, ComplianceClock
from incidents.triage_services import compliance_clock_warnings_send
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


def _clock(incident, kind, due_in: timedelta, **fields) -> ComplianceClock:
    now = timezone.now()
    return ComplianceClock.objects.create(
        incident=incident,
        kind=kind,
        started_at=now - timedelta(days=1),
        due_at=now + due_in,
        **fields,
    )


@pytest.fixture
def parks():
    department = DepartmentFactory(name="Recreation and Parks")
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="parks-officer")
    return department, officer


def test_it_warns_the_covering_officer_once_of_deadlines_near_or_past(parks):
    department, officer = parks
    case = IncidentFactory(department=department)
    _clock(case, ClockKind.CLAIM_FORM, timedelta(hours=-3))
    _clock(case, ClockKind.EMPLOYER_REPORT, timedelta(hours=5))
    _clock(case, ClockKind.LOG_300, timedelta(days=3))  # Not near yet.
    done = IncidentFactory(department=department)
    _clock(done, ClockKind.CLAIM_FORM, timedelta(hours=2), completed_at=timezone.now())

    assert compliance_clock_warnings_send() == 1
    assert compliance_clock_warnings_send() == 0

    [message] = mail.outbox
    assert message.to == [officer.email]
    assert message.subject == "[riskcabinet] 1 compliance deadline(s) passed"
    passed, coming = message.body.split("within the next 24 hours")
    assert "Give claim form to employee" in passed
    assert "Employer's report, Form 5020" in coming
    assert "in about 5 hours" in coming
    assert "300 log" not in message.body
    assert done.reference not in message.body
    assert message.body.count(f"Case {case.reference}") == 2
    # The case's narrative and the person hurt are never in the email.
    assert case.narrative not in message.body


def test_a_clock_that_comes_near_later_is_warned_of_then(parks):
    department, officer = parks
    case = IncidentFactory(department=department)
    clock = _clock(case, ClockKind.LOG_300, timedelta(days=3))

    assert compliance_clock_warnings_send() == 0
    assert compliance_clock_warnings_send(now=clock.due_at - timedelta(hours=20)) == 1

    clock.refresh_from_db()
    assert clock.warned_at == clock.due_at - timedelta(hours=20)
    assert "in about 20 hours" in mail.outbox[0].body


def test_it_tells_the_assignee_too_and_each_person_once(parks):
    department, officer = parks
    assignee = user_with_role(Role.SAFETY_OFFICER, username="colleague")
    first = IncidentFactory(department=department, assignee=assignee)
    second = IncidentFactory(department=department, assignee=officer)
    _clock(first, ClockKind.CLAIM_FORM, timedelta(hours=1))
    _clock(second, ClockKind.CLAIM_FORM, timedelta(hours=2))

    assert compliance_clock_warnings_send() == 2

    to = {message.to[0]: message.body for message in mail.outbox}
    assert set(to) == {officer.email, assignee.email}
    assert first.reference in to[officer.email]
    assert second.reference in to[officer.email]
    assert first.reference in to[assignee.email]
    assert second.reference not in to[assignee.email]


def test_with_nobody_covering_the_department_the_risk_managers_are_warned():
    manager = user_with_role(Role.RISK_MANAGER, username="manager")
    user_with_role(Role.SAFETY_OFFICER, covers=(DepartmentFactory(),), username="elsewhere")
    case = IncidentFactory(department=DepartmentFactory(name="Library"))
    _clock(case, ClockKind.CALOSHA_REPORT, timedelta(hours=4))

    assert compliance_clock_warnings_send() == 1
    assert mail.outbox[0].to == [manager.email]


def test_it_leaves_out_merged_cases(parks):
    department, _officer = parks
    survivor = IncidentFactory(department=department)
    merged = IncidentFactory(department=department, merged_into=survivor)
    _clock(merged, ClockKind.CLAIM_FORM, timedelta(hours=1))

    assert compliance_clock_warnings_send() == 0
    assert mail.outbox == []


def test_it_registers_the_warning_task_under_the_beat_schedule_name():
    from django.conf import settings

    from riskcabinet.celery import app

    app.loader.import_default_modules()
    task = "incidents.tasks.compliance_clock_warnings_send"
    assert task in app.tasks
    assert task in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_a_deadline_nobody_can_be_told_of_waits_for_someone_who_can_be():
    case = IncidentFactory(department=DepartmentFactory(name="Library"))
    clock = _clock(case, ClockKind.CALOSHA_REPORT, timedelta(hours=4))

    assert compliance_clock_warnings_send() == 0
    clock.refresh_from_db()
    assert clock.warned_at is None

    manager = user_with_role(Role.RISK_MANAGER, username="manager")
    assert compliance_clock_warnings_send() == 1
    assert mail.outbox[0].to == [manager.email]


def test_a_refused_address_does_not_stop_the_other_warnings(parks, monkeypatch):
    import riskcabinet.mail
    from tests.mailbox import refusing

    department, officer = parks
    assignee = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="assignee")
    case = IncidentFactory(department=department, assignee=assignee)
    near = _clock(case, ClockKind.EMPLOYER_REPORT, timedelta(hours=5))
    other = IncidentFactory(department=DepartmentFactory())  # Only the risk managers hear of it.
    user_with_role(Role.RISK_MANAGER, username="manager")
    alone = _clock(other, ClockKind.EMPLOYER_REPORT, timedelta(hours=5))
    monkeypatch.setattr(riskcabinet.mail, "send_mail", refusing("manager@riskcabinet.example"))

    assert compliance_clock_warnings_send() == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [officer.email, assignee.email]
    )
    near.refresh_from_db()
    alone.refresh_from_db()
    assert near.warned_at is not None
    assert alone.warned_at is None  # Nobody was told: the next run tries again.


def test_a_warning_due_while_the_mail_server_is_down_for_hours_goes_once_it_is_back(
    parks, monkeypatch
):
    # Down overnight: the hourly runs cannot reach it at all. That says nothing about the
    # officer's address, so the warning is not given up on after six of them.
    import riskcabinet.mail
    from riskcabinet.mail import MAIL_ATTEMPTS

    department, officer = parks
    _clock(IncidentFactory(department=department), ClockKind.EMPLOYER_REPORT, timedelta(hours=2))

    def mail_server_down(**email):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(riskcabinet.mail, "send_mail", mail_server_down)
    for _hour in range(MAIL_ATTEMPTS + 2):
        assert compliance_clock_warnings_send() == 0
    monkeypatch.undo()

    assert compliance_clock_warnings_send() == 1
    assert [m.to for m in mail.outbox] == [[officer.email]]
