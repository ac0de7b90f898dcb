"""The narrowest phones (320 CSS px: a small phone, or a bigger one with large text) read the
report forms without scrolling sideways (WCAG 1.4.10; the case page is in
test_staff_pages_on_a_phone), and a field the case page refuses tells a screen reader why, not
only that it is invalid (WCAG 3.3.1)."""

from datetime import datetime

import pytest
from django.utils import timezone

from incidents.clocks import clocks_start_for
from incidents.models import Severity
from riskcabinet.roles import Role
from tests.browser.conftest import field_employee, page_width, sign_in
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW_WIDTH = 320


@pytest.fixture
def serious_case():
    department = DepartmentFactory()
    user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    incident = IncidentFactory(
        department=department, severity=Severity.HOSPITALIZATION, state_reportable=True
    )
    clocks_start_for(incident=incident)
    return incident


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_report_form_fits_a_320px_phone(phone, base_url, language):
    field_employee(language)
    page = phone(width=NARROW_WIDTH).new_page()
    sign_in(page, base_url, f"worker-{language}")

    # The date and time, and the two photo fields, stay within the screen.
    assert page.locator("#id_occurred_time").is_visible()
    assert page_width(page) <= NARROW_WIDTH


def test_the_anonymous_form_fits_a_320px_phone_in_spanish(phone, base_url):
    page = phone("es-US", width=NARROW_WIDTH).new_page()
    page.goto(f"{base_url}/report/anonymous/")

    assert page.locator("html").get_attribute("lang") == "es"
    assert page_width(page) <= NARROW_WIDTH
    # Nothing pushed sideways lies over the send button.
    page.locator("main button[type=submit]").click(trial=True, timeout=3_000)


def test_a_refused_deadline_tells_a_screen_reader_why(phone, base_url, serious_case):
    page = phone().new_page()
    sign_in(page, base_url, "marcus", next="/triage/")
    page.goto(f"{base_url}/triage/{serious_case.reference}/")
    clock = serious_case.clocks.order_by("due_at").first()
    form = page.locator(f"#clocks form[action$='/clocks/{clock.pk}/complete/']")
    form.get_by_label("Confirmation or reference number").fill("CAL-123")
    # Before the clock started: the server refuses it.
    before = timezone.localtime(clock.started_at).replace(year=2000)
    form.get_by_label("Done at (leave empty for now)").fill(
        datetime.strftime(before, "%Y-%m-%dT%H:%M")
    )
    form.get_by_role("button", name="Mark done").click()
    field = page.locator("#clocks [aria-invalid=true]").first
    field.wait_for()

    # Not only "invalid": the field's description is the reason it was refused.
    description = field.evaluate(
        """el => (el.getAttribute('aria-describedby') || '').split(/\\s+/)
            .map(id => document.getElementById(id)).filter(Boolean)
            .map(node => node.textContent.trim()).join(' ')"""
    )
    assert "cannot be before the clock started" in description
