"""The injury codes panel on a phone: Enter saves what was typed, accepting one suggestion keeps
the other boxes, it fits the width, and its search results pass axe."""

import pytest

from incidents import triage_views
from incidents.models import Severity, Status
from riskcabinet.roles import Role
from tests.browser.conftest import PHONE_WIDTH, page_width, sign_in
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUGGESTIONS = {
    "nature": {
        "group": {"code": "13", "title": "Open wounds", "probability": 0.33},
        "top": [{"code": "1311", "title": "Amputations", "probability": 0.32}],
        "auto_accept": False,
    },
    "part": {
        "group": {"code": "44", "title": "Hand(s)", "probability": 0.99},
        "top": [{"code": "4429", "title": "Finger(s), fingernail(s), n.e.c.", "probability": 0.5}],
        "auto_accept": True,
    },
}


@pytest.fixture
def case(monkeypatch):
    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: SUGGESTIONS)
    department = DepartmentFactory()
    user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    return IncidentFactory(
        department=department,
        severity=Severity.NONE,
        status=Status.NEW,
        narrative="Slipped on ice, broke finger",
    )


def _codes_panel(phone, base_url, case):
    """The case's officer, on a phone, at the case's codes panel."""
    page = phone().new_page()
    sign_in(page, base_url, "marcus", next="/triage/")
    page.goto(f"{base_url}/triage/{case.reference}/#codes")
    return page


def test_enter_in_a_code_box_saves_the_typed_code_not_a_suggestion(phone, base_url, case):
    page = _codes_panel(phone, base_url, case)
    # The officer types the nature they mean (111 Fractures) and presses Enter.
    page.fill("#id_codes-nature", "111")
    page.press("#id_codes-nature", "Enter")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    case.refresh_from_db()
    assert case.oiics_nature == "111", (
        f"saved nature {case.oiics_nature!r}, part {case.oiics_part!r}"
    )


def test_codes_panel_fits_a_phone(phone, base_url, case):
    page = _codes_panel(phone, base_url, case)
    assert page_width(page) <= PHONE_WIDTH
    buttons = page.locator("#codes button[name=accept]")
    for n in range(buttons.count()):
        box = buttons.nth(n).bounding_box()
        assert box["x"] + box["width"] <= PHONE_WIDTH
        assert box["height"] >= 24, box


def test_accepting_one_suggestion_keeps_a_code_typed_in_another_box(phone, base_url, case):
    page = _codes_panel(phone, base_url, case)
    page.fill("#id_codes-nature", "111")
    page.click("button[name=accept][value='part:4429']")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    case.refresh_from_db()
    assert case.oiics_part == "4429"
    value = page.input_value("#id_codes-nature")
    assert case.oiics_nature == "111" or value == "111", (case.oiics_nature, value)


def test_codes_panel_with_search_results_passes_axe(phone, base_url, case, axe_check):
    page = _codes_panel(phone, base_url, case)
    page.fill("#id_codes-source", "ladder")
    page.press("#id_codes-source", "End")
    page.wait_for_selector("#oiics-results-source .oiics-pick")
    violations = axe_check(page)
    assert [v["id"] for v in violations] == [], violations
