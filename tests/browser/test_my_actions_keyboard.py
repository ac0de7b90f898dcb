"""My actions with a keyboard or a screen reader: opening "Mark done" puts the focus in the form
that opened (the button pressed disappears as it opens), and an update the page refuses brings
the owner back to the action refused, its reason read with the box to fix, not to the top of a
long list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from riskcabinet.roles import Role
from tests.browser.conftest import sign_in
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def actions():
    department = DepartmentFactory(name="Sanitation")
    owner = user_with_role(Role.EMPLOYEE, department=department, username="crew-lead")
    incident = IncidentFactory(department=department)
    return [
        CorrectiveActionFactory(
            incident=incident,
            owner=owner,
            description=f"Corrective action number {number}.",
            due_on=timezone.localdate() + timedelta(days=number),
        )
        for number in range(1, 9)
    ]


def _focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_opening_mark_done_with_the_keyboard_puts_the_focus_in_its_form(phone, base_url, actions):
    page = phone().new_page()
    sign_in(page, base_url, "crew-lead", next="/my-actions/")
    action = actions[5]
    card = page.locator(f"#action-{action.pk}")

    card.locator("summary").focus()
    page.keyboard.press("Enter")

    note = card.get_by_label("What was done")
    assert note.is_visible()
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"action-note-{action.pk}",
        timeout=3_000,
    )


def test_a_refused_update_returns_the_focus_to_the_action_with_its_reason(phone, base_url, actions):
    page = phone().new_page()
    sign_in(page, base_url, "crew-lead", next="/my-actions/")
    action = actions[6]
    card = page.locator(f"#action-{action.pk}")
    card.locator("summary").click()

    card.get_by_role("button", name="Mark done", exact=True).click()  # Nothing said was done.
    page.wait_for_load_state()

    card = page.locator(f"#action-{action.pk}")
    assert card.get_by_role("alert").is_visible()
    assert _focused(page) == f"action-note-{action.pk}"
    description = page.evaluate(
        """id => (document.getElementById(id).getAttribute('aria-describedby') || '')
            .split(/\\s+/).map(ref => document.getElementById(ref)).filter(Boolean)
            .map(node => node.textContent.trim()).join(' ')""",
        f"action-note-{action.pk}",
    )
    assert "Say what was done" in description
    assert card.bounding_box()["y"] < page.viewport_size["height"]  # On screen, not far below.
