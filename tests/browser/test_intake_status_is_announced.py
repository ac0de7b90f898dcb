"""The report form's status box ("Saved on this phone…", "Your saved report was sent…") is a
live region a screen reader already knows when the news comes: one shown and filled in the same
moment, from display: none, is often passed over in silence. Empty, it still takes no room."""

import pytest

from tests.browser.conftest import field_employee, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/report/", "/my-reports/"])
def test_the_status_box_is_in_the_accessibility_tree_before_it_has_news(phone, base_url, path):
    field_employee("en")
    page = phone().new_page()
    sign_in(page, base_url, "worker-en", next=path)
    page.wait_for_load_state("networkidle")
    queue = page.locator("#intake-queue")

    assert queue.get_attribute("aria-live") == "polite"
    # Nothing to say yet: out of sight and taking no room...
    assert queue.is_hidden()
    # ...but exposed as a status region, so the first message put in it is announced.
    assert page.get_by_role("status").and_(queue).count() == 1


def test_the_status_box_says_a_report_was_kept_offline(phone, base_url):
    field_employee("en")
    context = phone()
    page = context.new_page()
    sign_in(page, base_url, "worker-en")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.check("input[name=incident_type][value=near_miss]")
    page.fill("#id_narrative", "A pallet fell from the top rack.")
    page.fill("#id_location_text", "Main yard")
    page.click("button.button--send")

    status = page.get_by_role("status").and_(page.locator("#intake-queue"))
    status.get_by_text("Saved on this phone").wait_for()
    assert status.is_visible()
