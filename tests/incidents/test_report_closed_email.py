"""Closing the loop: the employee who filed a report is told by email when it is closed, and
what was done about it, in their language, with no names and no medical details."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActionStatus, Source, Status
from incidents.triage_services import incident_status_change
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    user_with_role,
)
from tests.incidents.triage_helpers import employee_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def reporter(department):
    user = user_with_role(Role.EMPLOYEE, department=department, username="ana")
    user.first_name = "Ana"
    user.save()
    return user


def _close(incident, capture):
    with capture(execute=True):
        incident_status_change(incident=incident, status=Status.CLOSED, close_reason="")


def test_the_reporter_is_told_when_their_report_is_closed_and_what_was_done(
    reporter, department, django_capture_on_commit_callbacks
):
    incident = employee_report(reporter, department)
    done = CorrectiveActionFactory(
        incident=incident,
        description="Replace the broken shelf brackets in the stockroom.",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))

    _close(incident, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == f"[riskcabinet] Your report {incident.reference} is closed"
    assert "Hello Ana," in message.body
    assert f"- {done.description} (Engineering control)" in message.body
    assert reverse("incidents:report-done", args=[incident.reference]) in message.body
    assert "Cut my hand" not in message.body  # no narrative: it may hold medical details
    assert officer.get_full_name() not in message.body


def test_it_is_written_in_the_reporters_language(department, django_capture_on_commit_callbacks):
    reporter = user_with_role(Role.EMPLOYEE, department=department, language="es")
    incident = employee_report(reporter, department)

    _close(incident, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == f"[riskcabinet] Su reporte {incident.reference} está cerrado"
    assert "Gracias por reportarlo." in message.body


@pytest.mark.parametrize(
    "fields",
    [
        {"source": Source.ANONYMOUS, "reporter": None},
        {"source": Source.CLAIM},
        {"source": Source.STAFF},
    ],
)
def test_nobody_is_emailed_for_a_report_no_employee_filed(
    reporter, department, fields, django_capture_on_commit_callbacks
):
    incident = employee_report(reporter, department, **fields)

    _close(incident, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_privacy_case_lists_no_steps(reporter, department, django_capture_on_commit_callbacks):
    incident = employee_report(reporter, department, privacy_case=True)
    CorrectiveActionFactory(
        incident=incident, description="Sensitive step.", status=ActionStatus.DONE
    )

    _close(incident, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert "Sensitive step." not in message.body


def test_an_officer_closing_the_case_in_triage_sends_it(
    client, reporter, department, django_capture_on_commit_callbacks
):
    incident = employee_report(reporter, department)
    client.force_login(user_with_role(Role.SAFETY_OFFICER, covers=(department,)))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("triage:case-status", args=[incident.reference]),
            {"status-status": "closed", "status-close_reason": ""},
        )

    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert [m.to for m in mail.outbox] == [[reporter.email]]


def _merged(source, target):
    from incidents.triage_services import incident_merge

    incident_merge(source=source, target=target)
    source.refresh_from_db()
    target.refresh_from_db()
    return source, target


def test_the_reporter_of_a_report_merged_into_the_case_is_told_too(
    reporter, department, django_capture_on_commit_callbacks
):
    colleague = user_with_role(Role.EMPLOYEE, department=department, username="luis")
    case = employee_report(colleague, department)
    report, case = _merged(employee_report(reporter, department, status=Status.NEW), case)
    step = CorrectiveActionFactory(
        incident=case,
        description="Replace the broken shelf brackets in the stockroom.",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )

    _close(case, django_capture_on_commit_callbacks)

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(colleague.email,), (reporter.email,)}
    told = by_recipient[(reporter.email,)]
    assert told.subject == f"[riskcabinet] Your report {report.reference} is closed"
    assert f"same incident as report {case.reference}" in told.body
    assert "That case is now closed." in told.body
    assert f"- {step.description} (Engineering control)" in told.body
    assert reverse("incidents:report-done", args=[report.reference]) in told.body
    assert colleague.get_full_name() not in told.body
    assert "Cut my hand" not in told.body
    # The case's own reporter reads the ordinary closing.
    assert "same incident" not in by_recipient[(colleague.email,)].body


def test_an_employee_who_filed_both_reports_gets_one_email(
    reporter, department, django_capture_on_commit_callbacks
):
    case = employee_report(reporter, department)
    _, case = _merged(employee_report(reporter, department, status=Status.NEW), case)

    _close(case, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == f"[riskcabinet] Your report {case.reference} is closed"


def test_a_merged_report_is_told_in_its_reporters_language_and_anonymous_ones_are_not(
    reporter, department, django_capture_on_commit_callbacks
):
    hablante = user_with_role(Role.EMPLOYEE, department=department, language="es")
    case = employee_report(reporter, department)
    report, case = _merged(employee_report(hablante, department, status=Status.NEW), case)
    _merged(employee_report(None, department, source=Source.ANONYMOUS, status=Status.NEW), case)

    _close(case, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([reporter.email, hablante.email])
    [spanish] = [m for m in mail.outbox if m.to == [hablante.email]]
    assert spanish.subject == f"[riskcabinet] Su reporte {report.reference} está cerrado"
    assert f"trataba del mismo incidente que el reporte {case.reference}" in spanish.body


def test_nobody_is_told_while_the_case_a_report_was_merged_into_is_open(
    reporter, department, django_capture_on_commit_callbacks
):
    from incidents.triage_services import report_closed_notify

    case = employee_report(user_with_role(Role.EMPLOYEE, department=department), department)
    report, case = _merged(employee_report(reporter, department, status=Status.NEW), case)

    assert report.status == Status.CLOSED  # a merged report is closed at once...
    assert report_closed_notify(incident_id=report.pk) is False  # ...but its work goes on
    assert mail.outbox == []


def test_an_employee_whose_report_was_merged_into_a_case_they_entered_as_staff_is_told(
    reporter, department, django_capture_on_commit_callbacks
):
    # A supervisor enters the case by hand and has also filed a report of it from the field:
    # the case itself tells nobody (entered by staff), so their report must.
    case = employee_report(reporter, department, source=Source.STAFF)
    report, case = _merged(employee_report(reporter, department, status=Status.NEW), case)

    _close(case, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == f"[riskcabinet] Your report {report.reference} is closed"
