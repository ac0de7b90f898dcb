"""The case page as an officer reads it: the history in words, an action's owner found by name,
a merge confirmed where the officer lands, refusals and captions in plain words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Severity, Status
from riskcabinet.roles import Role
from tests.factories import CorrectiveActionFactory, IncidentFactory, user_with_role
from tests.incidents.triage_helpers import report, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(department):
    return IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)


def test_the_history_writes_the_whys_and_the_recordability_answers_as_text(
    client, officer, incident
):
    client.force_login(officer)
    client.post(
        url("case-classify", incident),
        {
            "classify-severity": Severity.DAYS_AWAY,
            "classify-illness_type": "injury",
            "classify-days_away": "3",
            "classify-days_restricted": "0",
        },
    )
    client.post(
        url("case-investigation", incident),
        {"inv-why_1": "Wet step", "inv-why_2": "No grip tape", "inv-root_cause": "No checklist"},
    )
    client.post(
        url("case-recordability", incident),
        {
            "rec-work_related": "yes",
            "rec-new_case": "yes",
            "rec-death": "no",
            "rec-days_away": "yes",
        },
    )
    page = client.get(url("case-history", incident)).content.decode()
    assert "1. Wet step · 2. No grip tape" in page
    assert "work related: yes; new case: yes" in page
    assert "[&#x27;" not in page
    assert "{&#x27;" not in page


def test_the_owner_list_offers_the_departments_past_action_owners_by_name(
    client, officer, incident
):
    lead = user_with_role(Role.EMPLOYEE, department=incident.department, username="lead.ruiz")
    newcomer = user_with_role(Role.EMPLOYEE, department=incident.department, username="new.hire")
    CorrectiveActionFactory(incident=IncidentFactory(department=incident.department), owner=lead)
    client.force_login(officer)
    page = client.get(url("case", incident)).content.decode()
    datalist = page.split('<datalist id="action-owners">')[1].split("</datalist>")[0]
    assert f'<option value="lead.ruiz">{lead.get_full_name()}, Test job</option>' in datalist
    assert f'<option value="{officer.username}">' in datalist
    # Not every employee of the department (a large one has thousands): a new owner is typed.
    assert newcomer.username not in datalist


def test_an_action_can_be_given_to_the_crew_lead_by_full_name(client, officer, incident):
    lead = user_with_role(Role.EMPLOYEE, department=incident.department, username="lead.ruiz")
    client.force_login(officer)
    response = client.post(
        url("case-action-add", incident),
        {
            "action-description": "Fit grip tape to the rear steps.",
            "action-control_level": "engineering",
            "action-owner": lead.get_full_name().upper(),
            "action-due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302, response.context["action_form"].errors
    assert incident.actions.get().owner == lead


def test_a_merge_is_confirmed_in_the_case_toast_wherever_the_page_lands(
    client, officer, department
):
    first = report(department)
    second = report(department, minutes_later=10)
    client.force_login(officer)
    response = client.post(url("case-merge", second), {"merge-into": first.reference}, follow=True)
    page = response.content.decode()
    confirmation = f"{second.reference} was merged into {first.reference}."
    # Once, inside the case (whose messages stay fixed in view), not at the top of the page
    # that the #duplicates anchor scrolls away from.
    assert page.count(confirmation) == 1
    assert page.index('id="case"') < page.index(confirmation)


def test_closing_with_one_open_action_is_refused_in_plain_words(client, officer, incident):
    CorrectiveActionFactory(incident=incident, owner=officer)
    Incident.objects.filter(pk=incident.pk).update(status=Status.INVESTIGATING)
    client.force_login(officer)
    response = client.post(url("case-status", incident), {"status-status": "closed"}, follow=True)
    page = response.content.decode()
    assert "1 corrective action is still open: finish it, or give the reason" in page
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING


def test_the_queue_table_says_the_order_it_is_in(client, officer, incident):
    client.force_login(officer)
    page = client.get(reverse("triage:queue"), {"sort": "newest"}).content.decode()
    assert "Cases, sorted by newest report</caption>" in page
    assert "most urgent first" not in page
    page = client.get(reverse("triage:queue")).content.decode()
    assert "Cases, sorted by most urgent</caption>" in page
