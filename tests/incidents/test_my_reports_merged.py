"""A report merged into another one (the same incident, reported twice) stays on "My reports":
its reporter sees that it was joined to another report and what is being done on that case."""

import pytest
from django.urls import reverse

from incidents.models import ActionStatus, Status
from incidents.triage_services import incident_merge
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    user_with_role,
)
from tests.incidents.triage_helpers import employee_report

pytestmark = pytest.mark.django_db


def test_a_merged_report_shows_the_steps_taken_on_the_case_it_joined(client):
    department = DepartmentFactory()
    first = user_with_role(Role.EMPLOYEE, department=department, username="rosa")
    second = user_with_role(Role.EMPLOYEE, department=department, username="luis")
    kept = employee_report(
        first, department, narrative="Luis cut his hand: deep cut, stitches at ER."
    )
    duplicate = employee_report(
        second, department, narrative="My hand was cut by the shelf bracket."
    )
    CorrectiveActionFactory(
        incident=duplicate,
        owner=user_with_role(Role.EMPLOYEE),
        description="Replace the broken shelf bracket.",
        status=ActionStatus.OPEN,
    )
    incident_merge(source=duplicate, target=kept)
    client.force_login(second)

    page = client.get(reverse("incidents:report-done", args=[duplicate.reference])).content
    page = page.decode()

    assert "Replace the broken shelf bracket." in page
    assert "No step was recorded for this report." not in page
    assert kept.reference in page  # The number to give when they ask about it.
    # The other report's story (and the medical details in it) is not theirs to read.
    assert "stitches at ER" not in page


def test_my_reports_gives_a_merged_report_the_status_of_the_case_it_joined(client):
    department = DepartmentFactory()
    first = user_with_role(Role.EMPLOYEE, department=department, username="rosa")
    second = user_with_role(Role.EMPLOYEE, department=department, username="luis")
    kept = employee_report(first, department, status=Status.ACTIONS_PENDING)
    duplicate = employee_report(second, department, status=Status.NEW)
    incident_merge(source=duplicate, target=kept)
    client.force_login(second)

    page = client.get(reverse("incidents:my-reports")).content.decode()

    assert 'class="badge badge--actions_pending"' in page
    assert 'class="badge badge--closed"' not in page
