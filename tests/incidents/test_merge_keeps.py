"""A merge folds a duplicate report into the case that survives: what the duplicate carried
(its Cal/OSHA deadline, the record of who merged it) must not disappear with it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.clocks import clocks_start_for
from incidents.models import ClockKind, ComplianceClock, Severity, Status
from incidents.selectors import incident_timeline
from incidents.triage_services import WorkflowError, incident_merge
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_case_with_a_running_calosha_deadline_is_not_merged_into_one_without_it():
    department = DepartmentFactory()
    survivor = IncidentFactory(
        department=department, severity=Severity.DAYS_AWAY, status=Status.TRIAGED
    )
    disfigured = IncidentFactory(
        department=department,
        severity=Severity.DAYS_AWAY,
        state_reportable=True,  # Serious permanent disfigurement: reported within 8 hours.
        status=Status.TRIAGED,
    )
    clocks_start_for(incident=survivor)
    clocks_start_for(incident=disfigured)
    assert disfigured.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists()

    # The merged case would leave the queue with its clock: the officer is told to merge the
    # other way round, and the 8-hour deadline stays on a case in the queue.
    with pytest.raises(WorkflowError, match="to be reported to Cal/OSHA"):
        incident_merge(source=disfigured, target=survivor)
    assert ComplianceClock.objects.filter(
        incident=disfigured,
        incident__merged_into__isnull=True,
        kind=ClockKind.CALOSHA_REPORT,
        completed_at__isnull=True,
        due_at__gt=timezone.now(),
    ).exists()
    # The other way round is allowed: the survivor carries the deadline.
    incident_merge(source=survivor, target=disfigured)
    assert disfigured.clocks.filter(kind=ClockKind.CALOSHA_REPORT).exists()


def test_the_surviving_cases_history_shows_who_merged_a_report_into_it(client):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    survivor = IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)
    duplicate = IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)
    client.force_login(officer)

    client.post(
        reverse("triage:case-merge", args=[duplicate.reference]),
        {"merge-into": survivor.reference},
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor

    own_page = client.get(reverse("triage:case-history", args=[duplicate.reference]))
    timeline = client.get(reverse("triage:case-history", args=[survivor.reference]))
    html = timeline.content.decode()

    assert own_page.status_code == 404  # As designed: merged cases leave triage.
    assert duplicate.reference in html, "the merge is on no history page"
    merge_entries = [
        entry
        for entry in incident_timeline(survivor)
        if entry.label == duplicate.reference
        and entry.who == officer.get_full_name()
        and any(change.field == "merged into" for change in entry.changes)
    ]
    assert len(merge_entries) == 1
    # The case it went into is named by its reference, not by a database number.
    [merged_into] = [c for c in merge_entries[0].changes if c.field == "merged into"]
    assert (merged_into.old, merged_into.new) == ("—", survivor.reference)
