"""Serious cases: the covering safety officers hear at once, with the Cal/OSHA 8-hour deadline."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from incidents.models import Incident, Severity
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role
from tests.incidents.intake_helpers import report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    department = DepartmentFactory(name="Sanitation")
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    elsewhere = user_with_role(Role.SAFETY_OFFICER, covers=(DepartmentFactory(),))
    client.force_login(user_with_role(Role.EMPLOYEE, department=department))
    return officer, elsewhere


# 2026-07-01 17:30 UTC is 10:30 in Los Angeles (PDT); the deadline is 18:30 PDT.
@time_machine.travel(datetime(2026, 7, 1, 17, 30, tzinfo=UTC), tick=False)
@pytest.mark.parametrize(
    "overrides",
    [{"treatment": "hospital_stay"}, {"treatment": "er", "serious_outcome": "on"}],
)
def test_it_alerts_the_covering_officers_with_the_deadline(
    client, setup, overrides, django_capture_on_commit_callbacks
):
    officer, elsewhere = setup
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/", report_data(**overrides))
    incident = Incident.objects.get()
    assert incident.state_reportable is True
    assert incident.severity == Severity.HOSPITALIZATION
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert incident.reference in message.subject
    assert "06:30 PM PDT" in message.body
    assert "America/Los_Angeles" in message.body


def test_it_does_not_alert_for_first_aid(client, setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/", report_data(treatment="first_aid"))
    assert Incident.objects.get().state_reportable is False
    assert mail.outbox == []


def test_it_queues_the_alert_only_after_the_commit(
    client, setup, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/report/", report_data(treatment="hospital_stay"))
    assert mail.outbox == []
    assert len(callbacks) == 1
