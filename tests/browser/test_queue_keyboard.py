"""The triage queue with a keyboard or a screen reader: "Next" swaps the rows in place (htmx), and
the focus goes to the top of the new page of cases (which says which page it is), not back to
the start of the document with the officer's place lost."""

import pytest

from riskcabinet.roles import Role
from tests.browser.conftest import sign_in
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue():
    department = DepartmentFactory()
    user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    for _ in range(12):
        IncidentFactory(department=department)


@pytest.mark.parametrize("pager", ["next", "prev"])
def test_paging_with_the_keyboard_keeps_the_focus_on_the_cases(browser, base_url, queue, pager):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base_url, "marcus", next="/triage/")
    start = "?per_page=10" + ("&page=2" if pager == "prev" else "")
    page.goto(f"{base_url}/triage/{start}")

    page.locator(f"a[rel={pager}]").focus()
    with page.expect_response(lambda response: "page=" in response.url):
        page.keyboard.press("Enter")
    page.wait_for_timeout(300)

    focused = page.evaluate("document.activeElement.className")
    assert focused == "queue-count"
    count = page.locator(".queue-count")
    assert ("page 2 of 2" if pager == "next" else "page 1 of 2") in count.inner_text()
    box = count.bounding_box()
    assert -1 <= box["y"] < 800  # In view: not left at the foot of the previous page.
    page.keyboard.press("Tab")  # On into the new rows.
    assert page.evaluate("document.activeElement.closest('#queue-rows') !== null")
    context.close()
