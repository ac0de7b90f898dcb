"""An officer's request that read a case or an action a moment before someone else changed it
(two tabs, two officers, the owner on "My actions"): it reads the row again under its lock
instead of saving back what it read. Under PostgreSQL the two requests overlap; here the
earlier read is the object the request holds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import ActionStatus, CorrectiveAction, Incident, Status
from incidents.triage_services import (
    WorkflowError,
    corrective_action_change,
    corrective_action_owner_report,
    incident_merge,
    incident_status_change,
    incidents_assign,
)
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    department = DepartmentFactory()
    return CorrectiveActionFactory(
        incident=IncidentFactory(department=department),
        owner=user_with_role(Role.EMPLOYEE, username="crew-lead"),
        due_on=timezone.localdate() + timedelta(days=5),
    )


def test_an_officers_extension_does_not_reopen_an_action_its_owner_just_marked_done(action):
    as_the_officer_read_it = CorrectiveAction.objects.get(pk=action.pk)
    corrective_action_owner_report(
        action=action, user=action.owner, status=ActionStatus.DONE, note="Guard fitted."
    )

    with pytest.raises(WorkflowError):
        corrective_action_change(
            action=as_the_officer_read_it,
            owner=action.owner,
            due_on=timezone.localdate() + timedelta(days=30),
        )

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.completion_note == "Guard fitted."


def test_a_bulk_assignment_does_not_undo_a_closing_made_meanwhile():
    department = DepartmentFactory()
    lead = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="lead")
    colleague = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="colleague")
    case = IncidentFactory(department=department, status=Status.INVESTIGATING)
    as_the_queue_read_it = list(Incident.objects.filter(pk=case.pk).select_related("department"))

    incident_status_change(
        incident=Incident.objects.get(pk=case.pk), status=Status.CLOSED, close_reason=""
    )
    incidents_assign(incidents=as_the_queue_read_it, assignee=colleague, by=lead)

    case.refresh_from_db()
    assert case.assignee == colleague
    assert case.status == Status.CLOSED
    assert case.closed_at is not None


def test_a_case_merged_while_ticked_is_named_not_dropped_in_silence():
    department = DepartmentFactory()
    lead = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="lead")
    colleague = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="colleague")
    case, survivor = IncidentFactory(department=department), IncidentFactory(department=department)
    as_the_queue_read_it = list(Incident.objects.filter(pk=case.pk).select_related("department"))

    incident_merge(source=Incident.objects.get(pk=case.pk), target=survivor)
    result = incidents_assign(incidents=as_the_queue_read_it, assignee=colleague, by=lead)

    assert result.merged == [case.reference]
    assert (result.assigned, result.already, result.refused) == ([], [], [])
    case.refresh_from_db()
    assert case.assignee is None
