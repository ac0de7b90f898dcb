"""Pages added or reshaped for employees and risk managers pass axe (no serious or critical
violation) and fit a phone's width: the sign-in page with its way to the anonymous form, an
employee's report opened again with the steps taken, the claims page with a claim to open a case
from, the case page with its links to every part, and "My actions", where an action's owner
marks it done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.claims import claims_import
from incidents.models import ActionStatus, Claim, Source, Status
from riskcabinet.roles import Role
from tests.browser.conftest import PHONE_WIDTH, page_width, sign_in
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_with_the_anonymous_form_link(phone, base_url, axe_check):
    page = phone().new_page()

    page.goto(f"{base_url}/accounts/login/")

    assert page.get_by_role("link", name="Report a near miss anonymously").is_visible()
    assert axe_check(page) == []
    assert page_width(page) <= PHONE_WIDTH


def test_an_employees_report_opened_again(phone, base_url, axe_check):
    department = DepartmentFactory()
    employee = user_with_role(Role.EMPLOYEE, department=department, username="ana")
    incident = IncidentFactory(
        source=Source.INTAKE,
        reporter=employee,
        department=department,
        status=Status.CLOSED,
        closed_at=timezone.now(),
    )
    CorrectiveActionFactory(
        incident=incident,
        description="Replace the broken shelf brackets in the stockroom.",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )
    page = phone().new_page()
    sign_in(page, base_url, "ana", next="/my-reports/")

    page.goto(f"{base_url}/report/done/{incident.reference}/")

    assert page.get_by_text("Replace the broken shelf brackets in the stockroom.").is_visible()
    assert axe_check(page) == []
    assert page_width(page) <= PHONE_WIDTH


def test_the_claims_page_and_the_case_opened_from_a_claim(phone, base_url, axe_check):
    department = DepartmentFactory(name="Sanitation")
    user_with_role(Role.EMPLOYEE, department=department, employee_id="E700002")
    user_with_role(Role.RISK_MANAGER, username="manager")
    day = (timezone.localdate() - timedelta(days=20)).isoformat()
    header = "claim_number,employee_id,date_of_injury,opened_on,status,paid_to_date,total_incurred"
    claims_import(data=f"{header}\nWC-1,E700002,{day},{day},open,0,900\n".encode())
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/claims/")

    assert axe_check(page) == []
    assert page_width(page) <= PHONE_WIDTH
    page.get_by_role("button", name="Open a case from this claim").click()
    page.wait_for_url(f"{base_url}/triage/INC-*/")

    assert Claim.objects.get().incident is not None
    assert page.get_by_role("link", name="Status", exact=True).is_visible()
    assert axe_check(page) == []
    assert page_width(page) <= PHONE_WIDTH
    assert page.get_by_text("opened from workers' compensation claim WC-1").is_visible()


def test_my_actions_where_an_owner_marks_an_action_done(phone, base_url, axe_check):
    department = DepartmentFactory(name="Sanitation")
    owner = user_with_role(Role.EMPLOYEE, department=department, username="crew-lead")
    incident = IncidentFactory(department=department, location_text="North yard, gate 3")
    action = CorrectiveActionFactory(
        incident=incident,
        owner=owner,
        description="Fit hose reels on both walls of the wash bay.",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    page = phone().new_page()
    sign_in(page, base_url, "crew-lead", next="/my-actions/")

    assert page.get_by_text("Fit hose reels on both walls of the wash bay.").is_visible()
    assert axe_check(page) == []
    assert page_width(page) <= PHONE_WIDTH
    page.get_by_text("Mark done or in progress").click()
    page.get_by_role("button", name="Mark done", exact=True).click()
    assert page.get_by_role("alert").filter(has_text="Say what was done").is_visible()
    assert axe_check(page) == []
    assert page_width(page) <= PHONE_WIDTH  # With the form open, its photo field included.
    page.get_by_label("What was done").fill("Reels fitted on Tuesday.")
    page.get_by_role("button", name="Mark done", exact=True).click()
    page.wait_for_url(f"{base_url}/my-actions/#action-{action.pk}")

    assert page.get_by_text("Reels fitted on Tuesday.").is_visible()
    assert axe_check(page) == []
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
