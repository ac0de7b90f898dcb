"""One bar of signal and a phone set to English: an employee reading the form in Spanish is told
what is missing in Spanish, a send that stalls says it is sending and is then kept on the phone
(and filed once), and a saved report is not thrown away by one stray tap."""

import time

import pytest

from incidents.models import Incident
from tests.browser.conftest import PHONE, field_employee, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _until(check, seconds: float = 20, failure: str = "still not so after waiting") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def _employee(language: str):
    return field_employee(language, username=f"one-bar-{language}")


def test_a_missing_answer_is_told_in_the_pages_language_not_the_phones(phone, base_url):
    user = _employee("es")
    page = phone(locale="en-US").new_page()
    sign_in(page, base_url, user.username)
    assert page.locator("html").get_attribute("lang") == "es"

    page.fill("#id_occurred_date", "")
    page.click("button.button--send")

    def message(selector):
        return page.eval_on_selector(selector, "e => e.validationMessage")

    assert message("#id_incident_type_0") == "Elija qué tipo de incidente fue."
    assert message("#id_narrative") == "Cuéntenos qué pasó."
    assert message("#id_location_text") == "Díganos dónde pasó."
    assert message("#id_occurred_date") == "Escriba la fecha en que pasó."
    assert Incident.objects.count() == 0

    # Once answered, nothing stays marked: the report goes.
    page.check("input[name=incident_type][value=near_miss]")
    page.fill("#id_narrative", "Casi me cae una rama en el parque.")
    page.fill("#id_location_text", "Parque Elysian, entrada norte")
    page.fill("#id_occurred_date", "2026-01-05")
    page.click("button.button--send")
    page.get_by_text("Gracias: recibimos su reporte").wait_for()
    assert Incident.objects.count() == 1


def test_a_send_that_stalls_says_so_and_is_kept_on_the_phone_then_filed_once(browser, base_url):
    user = _employee("en")
    context = browser.new_context(service_workers="block", **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base_url, user.username)
    stalled = []

    def stall_first(route):
        if route.request.method == "POST" and not stalled:
            stalled.append(route)  # Never answered: one bar, the upload hangs.
        else:
            route.continue_()

    page.route("**/report/", stall_first)
    # The form's own wait (seconds) is shortened for the test.
    page.evaluate(
        "document.addEventListener('htmx:configRequest', e => { e.detail.timeout = 3000; })"
    )
    page.check("input[name=incident_type][value=near_miss]")
    page.fill("#id_narrative", "A trench box shifted while we were in it.")
    page.fill("#id_location_text", "Harbor Gateway, W 190th St")
    page.click("button.button--send")

    send = page.locator("button.button--send")
    _until(lambda: send.inner_text() == "Sending…", failure="the button does not say it is sending")
    page.locator("#intake-queue").get_by_text("Saved on this phone").wait_for()
    assert send.inner_text() == "Send report"

    # The signal returns: the kept report is sent, and filed once.
    page.unroute("**/report/")
    _until(
        lambda: Incident.objects.count() == 1, seconds=30, failure="the kept report was not sent"
    )
    page.locator("#intake-queue").get_by_text("Your saved report was sent.").wait_for()
    assert Incident.objects.count() == 1
    context.close()


def _refused_report_on_the_phone(phone, base_url, username: str):
    """An employee's form with one report the server refused kept on the phone."""
    user = field_employee("en", username=username)
    page = phone().new_page()
    sign_in(page, base_url, user.username)
    tag = page.get_attribute("input[name=reporter_tag]", "value")
    page.evaluate(
        """tag => IntakeQueue.put({client_uuid: crypto.randomUUID(),
             action: location.origin + '/report/', csrf: '',
             fields: [['reporter_tag', tag], ['narrative', 'Cable down on Figueroa']],
             files: [], saved_at: Date.now(), state: 'rejected', errors: {}})""",
        tag,
    )
    page.reload()
    return page


def _saved_count(page) -> int:
    return page.evaluate("IntakeQueue.all().then(e => e.length)")


def test_a_refused_saved_report_is_deleted_only_once_confirmed(phone, base_url):
    page = _refused_report_on_the_phone(phone, base_url, "one-bar-delete")
    delete = page.get_by_role("button", name="Delete it")

    page.once("dialog", lambda dialog: dialog.dismiss())
    delete.click()
    page.wait_for_timeout(300)
    assert _saved_count(page) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    _until(lambda: _saved_count(page) == 0)


def test_opening_a_saved_report_over_one_being_written_asks_first(phone, base_url):
    page = _refused_report_on_the_phone(phone, base_url, "one-bar-open")
    page.fill("#id_narrative", "Half a new report about the pothole")
    open_it = page.get_by_role("button", name="Open it")

    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    open_it.click()
    page.wait_for_timeout(300)
    assert questions == [
        "Open this saved report in the form? What you are writing there now will be replaced."
    ]
    assert page.input_value("#id_narrative") == "Half a new report about the pothole"
    assert _saved_count(page) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    open_it.click()
    _until(lambda: page.input_value("#id_narrative") == "Cable down on Figueroa")


def test_opening_a_saved_report_into_an_empty_form_asks_nothing(phone, base_url):
    page = _refused_report_on_the_phone(phone, base_url, "one-bar-empty")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Open it").click()
    _until(lambda: page.input_value("#id_narrative") == "Cable down on Figueroa")
    assert questions == []


def test_a_saved_report_can_still_be_deleted_in_a_browser_that_shows_no_dialogs(phone, base_url):
    # Review: Chrome told to stop this page's dialogs, a kiosk or an app's built-in browser
    # answers confirm() "no" at once, without asking: "Delete it" must not become dead.
    page = _refused_report_on_the_phone(phone, base_url, "one-bar-no-dialogs")
    page.evaluate("window.confirm = () => false")
    delete = page.get_by_role("button", name="Delete it").element_handle()

    delete.click()
    page.wait_for_timeout(300)
    assert _saved_count(page) == 1  # One stray tap still deletes nothing...
    delete.click()  # ...the second, on the button that now asks, does.
    _until(lambda: _saved_count(page) == 0, seconds=5, failure="the saved report can't be deleted")
