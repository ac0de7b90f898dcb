"""The case page on a tablet: a save keeps the officer (and the keyboard focus) where they were,
and a recorded recordability decision does not ask to be recorded again."""

import pytest

from incidents.models import Severity, Status
from riskcabinet.roles import Role
from tests.browser.conftest import sign_in
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True}


@pytest.fixture
def case():
    department = DepartmentFactory()
    user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    return IncidentFactory(department=department, severity=Severity.NONE, status=Status.NEW)


def _case_page(browser, base_url, case):
    context = browser.new_context(locale="en-US", **TABLET)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base_url, "marcus", next="/triage/")
    page.goto(f"{base_url}/triage/{case.reference}/")
    return page


def _save(page, button) -> None:
    with page.expect_response(lambda r: r.request.method == "GET" and "/history/" in r.url):
        button.click()
    page.wait_for_timeout(300)


def test_saving_the_classification_keeps_the_page_where_it_was(browser, base_url, case):
    page = _case_page(browser, base_url, case)
    button = page.locator("#classify button[type=submit]")
    button.scroll_into_view_if_needed()
    before = page.evaluate("scrollY")
    _save(page, button)
    # The case is swapped in place: the officer is not thrown to the bottom of the page.
    assert abs(page.evaluate("scrollY") - before) < 50
    # Keyboard focus stays in the part saved, not back at the top of the page.
    assert page.evaluate("document.activeElement.closest('#classify') !== null")
    assert "Classification saved" in page.locator(".case > .messages").inner_text()
    page.context.close()


def test_a_recorded_decision_is_not_asked_to_be_recorded_again(browser, base_url, case):
    page = _case_page(browser, base_url, case)
    page.select_option("#id_classify-severity", Severity.DAYS_AWAY)
    page.fill("#id_classify-days_away", "3")
    _save(page, page.locator("#classify button[type=submit]"))
    for question in ("work_related", "new_case", "death", "days_away"):
        answer = "no" if question == "death" else "yes"
        page.check(f'.guide__step[data-question="{question}"] input[value="{answer}"]')
    outcome = page.locator("#recordability-outcome")
    assert "Record the decision to save it" in outcome.inner_text()  # Answered, not yet saved.
    _save(page, page.locator("#recordability button[type=submit]"))
    case.refresh_from_db()
    assert case.recordable is True
    assert "Recordable" in outcome.inner_text()
    assert "Record the decision to save it" not in outcome.inner_text()
    page.context.close()


def test_a_save_in_place_is_announced_from_a_live_region_that_was_already_there(
    browser, base_url, case
):
    """A screen reader reads out a change to a live region it already knows: one swapped in with
    its text already written, as the case's own messages are, is passed over in silence."""
    page = _case_page(browser, base_url, case)
    before = page.evaluate(
        "() => [...document.querySelectorAll('[role=status], [aria-live]')]"
        ".filter(el => !el.closest('#case')).map(el => el.id)"
    )
    assert before  # A live region outside the part htmx swaps.
    _save(page, page.locator("#classify button[type=submit]"))

    # Said a moment after the swap settles (the region is emptied first): waited for, up to 5 s.
    said = """ids => ids.map(id => document.getElementById(id)).filter(Boolean)
        .map(el => el.textContent).join(' ')"""
    page.wait_for_function(
        f"ids => ({said})(ids).includes('Classification saved')", arg=before, timeout=5000
    )
    assert "Classification saved" in page.evaluate(said, before)
    page.context.close()
