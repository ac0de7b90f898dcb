"""The Django admin is no way round the product's rules: what the workflow, the clocks, the scoring
and the audit trail keep is read there, not written."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from incidents.clocks import clocks_start_for
from incidents.models import (
    CaseNote,
    CodeCorrection,
    ComplianceClock,
    Incident,
    Investigation,
    PrivacyCaseView,
    Severity,
)
from riskcabinet.roles import Role
from tests.factories import (
    ClaimFactory,
    CorrectiveActionFactory,
    DepartmentScoreFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))
    return client


def test_a_stored_ranking_cannot_be_added_or_changed_in_the_admin(admin_client):
    score = DepartmentScoreFactory(month=date(2026, 9, 1), rank=3, score=1.5, trir=2.0)

    added = admin_client.get("/admin/riskcabinet/departmentscore/add/")
    changed = admin_client.post(
        f"/admin/riskcabinet/departmentscore/{score.pk}/change/",
        {"month": "2026-09-01", "department": score.department_id, "rank": 1, "score": 0},
    )
    deleted = admin_client.post(
        f"/admin/riskcabinet/departmentscore/{score.pk}/delete/", {"post": "yes"}
    )

    assert added.status_code == 403
    assert changed.status_code == 403
    assert deleted.status_code == 403
    score.refresh_from_db()
    assert score.rank == 3


def test_the_log_of_who_opened_a_privacy_case_cannot_be_written_in_the_admin(admin_client):
    case = IncidentFactory()
    user = user_with_role(Role.SAFETY_OFFICER)

    response = admin_client.post(
        "/admin/incidents/privacycaseview/add/",
        {
            "incident": case.pk,
            "user": user.pk,
            "viewed_at_0": "2026-01-01",
            "viewed_at_1": "10:00:00",
            "path": "/triage/",
        },
    )

    assert response.status_code == 403
    assert not PrivacyCaseView.objects.exists()


def test_a_compliance_clock_cannot_be_moved_or_completed_in_the_admin(admin_client):
    case = IncidentFactory(severity=Severity.HOSPITALIZATION, recordable=True)
    clocks_start_for(incident=case)
    clock = ComplianceClock.objects.filter(incident=case).first()
    assert clock is not None
    due = clock.due_at

    changed = admin_client.post(
        f"/admin/incidents/complianceclock/{clock.pk}/change/",
        {
            "incident": case.pk,
            "kind": clock.kind,
            "started_at_0": "2026-01-01",
            "started_at_1": "10:00:00",
            "due_at_0": "2030-01-01",
            "due_at_1": "10:00:00",
        },
    )
    added = admin_client.get("/admin/incidents/complianceclock/add/")
    page = admin_client.get(f"/admin/incidents/incident/{case.pk}/change/").content.decode()

    assert changed.status_code == 403
    assert added.status_code == 403
    clock.refresh_from_db()
    assert clock.due_at == due
    # Nor through the case's own page, whose clocks are shown but not editable.
    assert 'name="clocks-0-due_at_0"' not in page
    assert 'name="clocks-0-completed_at_0"' not in page
    assert clock.get_kind_display() in page


@pytest.mark.parametrize(
    "field",
    [
        "status",
        "closed_at_0",
        "close_reason",
        "assignee",
        "merged_into",
        "learned_at_0",
        "privacy_case",
        "recordable",
    ],
)
def test_the_workflow_fields_of_a_case_are_read_only_in_the_admin(admin_client, field):
    case = IncidentFactory(learned_at=timezone.now() - timedelta(hours=1))

    page = admin_client.get(f"/admin/incidents/incident/{case.pk}/change/").content.decode()

    assert f'name="{field}"' not in page
    # What an administrator may correct (a typo in the story, the place) stays editable.
    assert 'name="narrative"' in page
    assert 'name="location_text"' in page


def test_an_administrator_still_saves_a_case_correction(admin_client):
    case = IncidentFactory(narrative="Slipped on teh ramp.")
    page = admin_client.get(f"/admin/incidents/incident/{case.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        {
            "narrative": "Slipped on the ramp.",
            "department": case.department_id,
            "occurred_at_0": case.occurred_at.strftime("%Y-%m-%d"),
            "occurred_at_1": case.occurred_at.strftime("%H:%M:%S"),
            "reported_at_0": case.reported_at.strftime("%Y-%m-%d"),
            "reported_at_1": case.reported_at.strftime("%H:%M:%S"),
            "learned_at_0": case.learned_at.strftime("%Y-%m-%d"),
            "learned_at_1": case.learned_at.strftime("%H:%M:%S"),
        }
    )
    for prefix in ("clocks", "actions", "attachments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if not isinstance(value, dict)}

    response = admin_client.post(f"/admin/incidents/incident/{case.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Incident.objects.get(pk=case.pk).narrative == "Slipped on the ramp."


def test_a_case_is_not_added_in_the_admin(admin_client):
    # It would have no reference and no clocks: cases come from the forms and the imports.
    assert admin_client.get("/admin/incidents/incident/add/").status_code == 403


def _officer_record(kind: str):
    """One row of what the triage pages and the claims page write, of the given kind."""
    officer = user_with_role(Role.SAFETY_OFFICER, username="officer.record")
    case = IncidentFactory()
    if kind == "correctiveaction":
        return CorrectiveActionFactory(incident=case, owner=officer)
    if kind == "claim":
        return ClaimFactory(incident=case)
    if kind == "investigation":
        return Investigation.objects.create(incident=case, root_cause="Worn ladder feet")
    if kind == "casenote":
        return CaseNote.objects.create(incident=case, author=officer, body="Called the crew lead")
    return CodeCorrection.objects.create(
        incident=case, field="event", suggested_code="42", chosen_code="43", officer=officer
    )


@pytest.mark.parametrize(
    "kind", ["correctiveaction", "claim", "investigation", "casenote", "codecorrection"]
)
def test_what_the_triage_and_claims_pages_write_is_read_not_written_in_the_admin(
    admin_client, kind
):
    record = _officer_record(kind)
    before = type(record).objects.values().get(pk=record.pk)
    base = f"/admin/incidents/{kind}/"

    read = admin_client.get(f"{base}{record.pk}/change/")
    added = admin_client.get(f"{base}add/")
    changed = admin_client.post(f"{base}{record.pk}/change/", {"incident": record.incident_id})
    deleted = admin_client.post(f"{base}{record.pk}/delete/", {"post": "yes"})

    assert read.status_code == 200
    assert added.status_code == 403
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert type(record).objects.values().get(pk=record.pk) == before


def test_a_cases_corrective_actions_are_shown_but_not_editable_on_its_admin_page(admin_client):
    action = CorrectiveActionFactory(description="Replace the ladder feet")

    page = admin_client.get(
        f"/admin/incidents/incident/{action.incident_id}/change/"
    ).content.decode()

    assert "Replace the ladder feet" in page
    assert 'name="actions-0-due_on"' not in page
    assert 'name="actions-0-owner"' not in page
