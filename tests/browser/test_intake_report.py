"""A new employee on a phone files a report, with a photo, in English or Spanish, with the
network switched off and on again, and exactly one incident appears."""

import io
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from incidents.models import Incident
from incidents.views import reporter_tag
from riskcabinet.roles import Role
from tests.browser.conftest import PHONE, field_employee, sign_in
from tests.factories import IncidentFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo_path(tmp_path):
    path = tmp_path / "IMG_2041.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 120, 40)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _employee(language: str = "en"):
    return field_employee(language)


def _signed_in(phone, base_url):
    """A new employee signed in on a phone, on the report form."""
    user = _employee()
    page = phone().new_page()
    sign_in(page, base_url, user.username)
    return user, page


def _fill_report(
    page, photo_path, narrative="Slipped on hydraulic oil by truck 12, hurt my wrist."
):
    page.check("input[name=incident_type][value=injury_illness]")
    page.fill("#id_narrative", narrative)
    page.fill("#id_location_text", "Lopez Canyon yard, bay 3")
    page.fill("#id_body_part", "Left wrist")
    page.check("input[name=treatment][value=first_aid]")
    if photo_path is not None:
        page.set_input_files("#id_photos_library", str(photo_path))


def _wait_for_service_worker(page) -> None:
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # Now controlled by the service worker, with the form cached.
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _save_on_phone_without_signal(page, photo_path, **report):
    """Switch the phone's network off, fill in and send a report; return the queue's status box
    once it says the report is kept on the phone."""
    page.context.set_offline(True)
    _fill_report(page, photo_path, **report)
    page.click("button.button--send")
    queue = page.locator("#intake-queue")
    queue.get_by_text("Saved on this phone — it will be sent when you have signal.").wait_for()
    return queue


def test_it_files_a_report_with_a_photo(phone, base_url, photo_path, axe_check):
    user, page = _signed_in(phone, base_url)
    assert axe_check(page) == []
    # The injury questions appear only for a type where someone may be hurt.
    page.check("input[name=incident_type][value=near_miss]")
    assert page.locator("#injury-details").is_hidden()
    _fill_report(page, photo_path)
    assert page.locator("#injury-details").is_visible()
    page.click("button.button--send")
    reference = page.locator("[data-reference]").inner_text()
    assert reference.startswith("INC-")
    assert axe_check(page) == []
    incident = Incident.objects.get()
    assert incident.reference == reference
    assert incident.reporter == user
    assert incident.attachments.count() == 1


def test_it_sends_a_report_without_photos_url_encoded_and_one_with_photos_as_multipart(
    phone, base_url, photo_path
):
    _, page = _signed_in(phone, base_url)
    narrative = "Resbalé en el andén & me torcí la muñeca = 100% dolor; truck #12 (bay 3)."
    _fill_report(page, None, narrative=narrative)
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/report/")) as sent:
        page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    assert sent.value.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert Incident.objects.get().narrative == narrative

    page.click("[data-new-report]")
    _fill_report(page, photo_path)
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/report/")) as sent:
        page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    assert sent.value.headers["content-type"].startswith("multipart/form-data")
    assert Incident.objects.latest("pk").attachments.count() == 1


def test_it_shows_a_mistake_and_recovers(phone, base_url, photo_path, axe_check):
    _, page = _signed_in(phone, base_url)
    _fill_report(page, photo_path, narrative="A cone fell off the truck onto my foot.")
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    page.fill("#id_occurred_date", tomorrow)
    page.click("button.button--send")
    summary = page.locator("#error-summary")
    summary.wait_for()
    # The photos are put back once htmx has settled the swap, and then the summary takes focus.
    page.wait_for_function("document.activeElement?.id === 'error-summary'")
    assert "future" in summary.inner_text()
    assert page.locator("#id_occurred_date").get_attribute("aria-invalid") == "true"
    # What was typed, chosen and attached is all still there.
    assert page.input_value("#id_narrative") == "A cone fell off the truck onto my foot."
    assert page.is_checked("input[name=incident_type][value=injury_illness]")
    assert page.evaluate("document.getElementById('id_photos_library').files.length") == 1
    assert axe_check(page) == []
    summary.locator("a").first.click()
    page.fill("#id_occurred_date", timezone.localdate().isoformat())
    page.fill("#id_occurred_time", "00:01")
    page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    incident = Incident.objects.get()
    assert incident.attachments.count() == 1


@pytest.mark.parametrize(
    ("incident_type", "injury_shown"), [("near_miss", False), ("injury_illness", True)]
)
def test_the_form_after_a_mistake_still_offers_the_location_and_asks_injury_only_for_injuries(
    phone, base_url, incident_type, injury_shown
):
    _, page = _signed_in(phone, base_url)
    assert page.locator("#use-location").is_visible()
    page.check(f"input[name=incident_type][value={incident_type}]")
    page.fill("#id_narrative", "A cone fell off the truck.")
    page.fill("#id_location_text", "Lopez Canyon yard, bay 3")
    page.fill("#id_occurred_date", (timezone.localdate() + timedelta(days=2)).isoformat())
    page.click("button.button--send")  # In the future: refused by the server.
    page.locator("#error-summary").wait_for()
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling')")
    page.wait_for_timeout(100)  # Past htmx's settle delay, as a person would be.
    assert page.locator("#use-location").is_visible()
    assert page.locator("#injury-details").is_visible() is injury_shown
    # Choosing again still shows or hides the injury questions.
    page.check("input[name=incident_type][value=injury_illness]")
    assert page.locator("#injury-details").is_visible()
    page.check("input[name=incident_type][value=near_miss]")
    assert not page.locator("#injury-details").is_visible()


def test_it_keeps_the_report_on_the_phone_while_offline(phone, base_url, photo_path):
    user = _employee()
    context = phone()
    page = context.new_page()
    sign_in(page, base_url, user.username)
    _wait_for_service_worker(page)

    queue = _save_on_phone_without_signal(page, photo_path)
    assert Incident.objects.count() == 0
    # The form is ready for the next report, and the saved one survives a reload offline.
    assert page.input_value("#id_narrative") == ""
    page.reload()
    queue.get_by_text("Reports waiting on this phone to be sent: 1").wait_for()

    # The page and the service worker both try once the signal returns; only one uploads it.
    uploads = []
    context.on(
        "request",
        lambda r: uploads.append(r) if r.method == "POST" and r.url.endswith("/report/") else None,
    )
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    sent = page.locator("[data-sent-reference]")
    sent.wait_for()
    page.wait_for_timeout(2000)
    assert len(uploads) == 1
    assert Incident.objects.count() == 1
    incident = Incident.objects.get()
    assert sent.first.get_attribute("data-sent-reference") == incident.reference
    assert incident.attachments.count() == 1
    # Nothing is left waiting: another flush sends nothing more.
    page.reload()
    page.wait_for_timeout(1000)
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 0
    assert Incident.objects.count() == 1


def test_saving_a_report_on_the_phone_asks_the_browser_to_keep_its_storage(phone, base_url):
    _, page = _signed_in(phone, base_url)
    page.evaluate(
        """() => {
             window.persistAsked = 0;
             navigator.storage.persisted = () => Promise.resolve(false);
             navigator.storage.persist = () => {
               window.persistAsked += 1;
               return Promise.resolve(true);
             };
           }"""
    )

    _save_on_phone_without_signal(page, None)

    assert page.evaluate("window.persistAsked") == 1


def test_a_report_the_phone_cannot_save_stays_in_the_form_with_a_message(phone, base_url):
    _, page = _signed_in(phone, base_url)
    page.evaluate(
        """() => {
             IntakeQueue.put = () => Promise.reject(new DOMException("full", "QuotaExceededError"));
           }"""
    )
    page.context.set_offline(True)
    _fill_report(page, None, narrative="Twisted my knee stepping off the truck.")

    page.click("button.button--send")

    queue = page.locator("#intake-queue")
    queue.locator("[role=alert]").get_by_text("This phone could not save your report").wait_for()
    assert "Saved on this phone" not in queue.inner_text()
    assert page.input_value("#id_narrative") == "Twisted my knee stepping off the truck."


def test_a_report_another_sender_is_sending_is_left_to_it(phone, base_url):
    _, page = _signed_in(phone, base_url)
    _wait_for_service_worker(page)
    _save_on_phone_without_signal(page, None)
    # As if the service worker were uploading it: hold its send lock until told to let go.
    page.evaluate(
        """IntakeQueue.all().then(([entry]) => {
             navigator.locks.request("riskcabinet-intake-send:" + entry.client_uuid,
               () => new Promise((resolve) => { window.letGo = resolve; }));
           })"""
    )
    page.context.set_offline(False)

    first = page.evaluate("IntakeQueue.flush().then(rs => rs.map(r => r.outcome))")
    assert first == ["busy"]
    assert not Incident.objects.exists()

    page.evaluate("window.letGo()")
    second = page.evaluate("IntakeQueue.flush().then(rs => rs.map(r => r.outcome))")
    assert second == ["sent"]
    assert Incident.objects.count() == 1


def test_it_sends_a_report_without_photos_kept_offline_with_every_character_intact(phone, base_url):
    # Without photos the queue sends the report URL-encoded rather than as multipart.
    _, page = _signed_in(phone, base_url)
    _wait_for_service_worker(page)

    narrative = "Resbalé en el andén & me torcí la muñeca = 100% dolor; truck #12 (bay 3)."
    _save_on_phone_without_signal(page, None, narrative=narrative)
    # The page or the service worker (Background Sync) sends it, whichever is first once the
    # signal is back: listen on the whole phone from before the signal returns.
    with page.context.expect_event(
        "request", lambda r: r.method == "POST" and r.url.endswith("/report/")
    ) as sent:
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-sent-reference]").first.wait_for()

    content_type = sent.value.headers["content-type"]
    assert content_type.startswith("application/x-www-form-urlencoded")
    incident = Incident.objects.get()
    assert incident.narrative == narrative
    assert (incident.body_part, incident.treatment) == ("Left wrist", "first_aid")
    assert incident.attachments.count() == 0


def test_a_kept_report_with_an_unknown_employee_id_is_sent_and_the_employee_told(phone, base_url):
    # Offline the phone cannot check the ID: the report must not stay stuck on the phone for it.
    _, page = _signed_in(phone, base_url)
    _wait_for_service_worker(page)
    page.context.set_offline(True)
    _fill_report(page, None)
    page.fill("#id_injured_employee_id", "E499999")
    page.click("button.button--send")
    page.locator("#intake-queue").get_by_text("Saved on this phone").first.wait_for()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    told = page.get_by_text("No employee has the ID E499999: the report was kept")
    told.wait_for()

    incident = Incident.objects.get()
    assert incident.injured_employee_id_unmatched == "E499999"
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 0


def test_it_files_a_report_in_spanish(phone, base_url, photo_path, axe_check):
    user = _employee(language="es")
    page = phone(locale="es-MX").new_page()
    sign_in(page, base_url, user.username)
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_text("¿Qué tipo de incidente?").is_visible()
    _fill_report(page, photo_path, narrative="Me resbalé con aceite junto al camión 12.")
    page.click("button.button--send")
    page.get_by_text("Gracias: recibimos su reporte").wait_for()
    assert page.get_by_text("Qué pasa ahora").is_visible()
    assert axe_check(page) == []
    assert Incident.objects.get().narrative.startswith("Me resbalé")


def test_the_photo_pickers_speak_the_pages_language_and_name_the_photos_chosen(
    phone, base_url, photo_path
):
    # The browser's own file button says "Choose File" and "No file chosen" in the phone's
    # language, whatever the page's: the page's own words are the buttons.
    user = _employee(language="es")
    page = phone(locale="en-US").new_page()
    sign_in(page, base_url, user.username)
    assert page.locator("html").get_attribute("lang") == "es"
    take = page.get_by_text("Tomar una foto")
    pick = page.get_by_text("Elegir fotos de este teléfono")
    for label in (take, pick):
        box = label.bounding_box()
        assert box is not None
        assert box["height"] >= 44
    native = page.locator("#id_photos_library").bounding_box()
    assert native is not None
    assert native["width"] <= 1

    page.set_input_files("#id_photos_library", str(photo_path))

    assert page.locator("#id_photos_library-chosen").inner_text() == "IMG_2041.jpg"
    page.focus("#id_photos")
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('label[for=id_photos]')).outlineStyle"
        )
        == "solid"
    )


def _phone_without_service_worker(browser, base_url):
    """A new employee signed in on a phone without a service worker, so that the page's own
    routes see every request; returns the employee, the phone and its page."""
    user = _employee()
    context = browser.new_context(service_workers="block", **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base_url, user.username)
    return user, context, page


def _phone_whose_first_report_is_answered(browser, base_url, status: int):
    """A signed-in phone whose first report POST gets `status` instead of reaching the server."""
    user, context, page = _phone_without_service_worker(browser, base_url)
    refused = []

    def answer(route):
        if route.request.method == "POST" and not refused:
            refused.append(route.request.post_data)
            route.fulfill(status=status, body="Refused.")
        else:
            route.continue_()

    page.route("**/report/", answer)
    return user, context, page, refused


@pytest.mark.parametrize("status", [503, 502])
def test_a_report_the_server_could_not_take_is_kept_and_sent_again(browser, base_url, status):
    """The online form during a database restart (503) or a proxy's error (502): the report is
    kept on the phone, the employee is told, and it is sent once the server answers again."""
    user, context, page, refused = _phone_whose_first_report_is_answered(browser, base_url, status)
    _fill_report(page, None, narrative="Bin lid slammed on my fingers at the transfer station.")
    page.click("button.button--send")
    page.locator("#intake-queue").get_by_text(
        "The service could not take your report just now. It is saved on this phone and will "
        "be sent again shortly."
    ).wait_for()
    assert len(refused) == 1
    assert Incident.objects.count() == 0
    # The form is ready for the next report.
    assert page.input_value("#id_narrative") == ""

    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-sent-reference]").first.wait_for()
    incident = Incident.objects.get()
    assert incident.narrative == "Bin lid slammed on my fingers at the transfer station."
    assert incident.reporter == user
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 0
    context.close()


def test_a_report_sent_after_the_session_ended_is_kept_until_its_writer_signs_in(phone, base_url):
    user = _employee()
    context = phone()
    page = context.new_page()
    sign_in(page, base_url, user.username)
    # The session ends while the form is open (the phone keeps its other cookies).
    kept = [cookie for cookie in context.cookies() if cookie["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)
    _fill_report(page, None, narrative="Tripped over a hose on the wash rack.")
    page.click("button.button--send")
    queue = page.locator("#intake-queue")
    queue.get_by_text("Saved on this phone.", exact=True).wait_for()
    queue.get_by_text("Sign in again to send the reports saved on this phone.").wait_for()
    # The form stays a form: the sign-in page was not put in its place.
    assert page.locator("form[data-intake-form]").count() == 1
    assert Incident.objects.count() == 0

    queue.get_by_role("link", name="Sign in").click()
    page.fill("#id_username", user.username)
    page.fill("#id_password", "riskcabinet-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/report/")
    page.locator("[data-sent-reference]").first.wait_for()
    incident = Incident.objects.get()
    assert incident.reporter == user
    assert incident.narrative == "Tripped over a hose on the wash rack."


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            413,
            "The photos are too large to send together. Remove one or more and send again: "
            "the rest of your report is still in the form.",
        ),
        (
            429,
            "Your report was not sent (error 429). It is still in the form: try again, or tell "
            "your safety officer.",
        ),
    ],
)
def test_a_report_refused_as_it_is_stays_in_the_form_with_a_message(
    browser, base_url, status, message
):
    _user, context, page, refused = _phone_whose_first_report_is_answered(browser, base_url, status)
    _fill_report(page, None, narrative="Pinched a finger in the lift gate.")
    page.click("button.button--send")
    page.locator("#intake-queue [role=alert]").get_by_text(message).wait_for()
    assert len(refused) == 1
    assert page.input_value("#id_narrative") == "Pinched a finger in the lift gate."
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 0
    # Sent again as it is, it goes through, and the refusal is gone.
    page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    assert page.locator("#intake-queue [role=alert]").count() == 0
    assert page.locator("#intake-queue").is_hidden()  # Nothing else to say.
    assert Incident.objects.get().narrative == "Pinched a finger in the lift gate."
    context.close()


def _shared_phone(phone, base_url):
    """A crew's phone with its first employee signed in and the form kept for offline use, and
    the employee who will use it next."""
    first = _employee()
    next_one = user_with_role(Role.EMPLOYEE, username="next-on-the-truck")
    context = phone()
    page = context.new_page()
    sign_in(page, base_url, first.username)
    _wait_for_service_worker(page)
    return first, next_one, context, page


def test_a_report_saved_on_a_shared_phone_is_sent_only_as_its_writers(phone, base_url):
    writer, next_one, context, page = _shared_phone(phone, base_url)

    queue = _save_on_phone_without_signal(page, None)
    # The phone changes hands: the writer's session ends and the next employee signs in.
    context.clear_cookies()
    context.set_offline(False)
    sign_in(page, base_url, next_one.username)
    queue.get_by_text(
        "A report on this phone was saved by another employee: it will be sent when they sign in."
    ).wait_for()
    assert Incident.objects.count() == 0
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 1

    context.clear_cookies()
    sign_in(page, base_url, writer.username)
    page.locator("[data-sent-reference]").first.wait_for()
    incident = Incident.objects.get()
    assert incident.reporter == writer
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 0


def _kept_page(page, path: str) -> str | None:
    """The copy of a page the service worker keeps for use without signal, if any."""
    return page.evaluate(
        """async (path) => {
            const cache = await caches.open("riskcabinet-intake-v1");
            const kept = await cache.match(path);
            return kept ? await kept.text() : null;
        }""",
        path,
    )


_NOT_RENEWED = "the service worker did not renew its pages"


def _until(check, seconds: float = 15, failure: str = "still not so after waiting") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def _session_pages_gone(context, page, base_url) -> None:
    """The worker has dropped the pages of the session that ended: without signal the phone
    offers neither the list of reports nor a form under that employee's mark (it stays
    offline)."""
    # The worker drops the two one after the other: wait for both.
    _until(
        lambda: _kept_page(page, "/my-reports/") is None and _kept_page(page, "/report/") is None,
        failure=_NOT_RENEWED,
    )
    context.set_offline(True)
    page.goto(f"{base_url}/report/")
    assert page.get_by_role("heading", name="No signal").is_visible()
    assert page.locator("form").count() == 0


def test_signing_out_and_in_renews_the_pages_kept_on_a_shared_phone(phone, base_url):
    """Whoever signs in next on a crew's phone never sees the last employee's reports without
    signal, and a report they save there is sent as theirs, even if they never opened the form
    while online."""
    _first, next_one, context, page = _shared_phone(phone, base_url)
    _fill_report(page, None)
    page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    reference = Incident.objects.get().reference
    page.goto(f"{base_url}/my-reports/")
    _until(lambda: reference in (_kept_page(page, "/my-reports/") or ""), failure=_NOT_RENEWED)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base_url}/accounts/login/")
    # Signed out, the worker keeps neither the form nor the list of reports.
    _session_pages_gone(context, page, base_url)
    context.set_offline(False)

    # The next employee signs in and lands on a page that does not load the form.
    sign_in(page, base_url, next_one.username, next="/report/anonymous/status/")
    mark = reporter_tag(next_one)
    _until(lambda: mark in (_kept_page(page, "/report/") or ""), failure=_NOT_RENEWED)
    context.set_offline(True)
    page.goto(f"{base_url}/my-reports/")
    assert reference not in page.content()
    page.goto(f"{base_url}/report/")
    assert page.input_value("input[name=reporter_tag]") == mark
    _save_on_phone_without_signal(page, None, narrative="Cut my hand on a broken bin lid.")
    context.set_offline(False)
    page.locator("[data-sent-reference]").first.wait_for()
    assert Incident.objects.get(reporter=next_one).narrative == "Cut my hand on a broken bin lid."
    assert Incident.objects.count() == 2


def _kept_page_aged(page, path: str, hours: float) -> None:
    """Make the kept copy of a page look as if it had been read `hours` ago."""
    page.evaluate(
        """async ([path, hours]) => {
            const cache = await caches.open("riskcabinet-intake-v1");
            const kept = await cache.match(path);
            const headers = new Headers(kept.headers);
            headers.set("X-Riskcabinet-Kept-At", String(Date.now() - hours * 3600 * 1000));
            await cache.put(path, new Response(await kept.blob(), { headers }));
        }""",
        [path, hours],
    )


def test_my_reports_are_not_shown_without_signal_once_the_session_could_have_ended(phone, base_url):
    """A crew's phone left signed in (no sign-out) until the session runs out: the next person
    to pick it up without signal does not see the last employee's reports."""
    first, _next_one, context, page = _shared_phone(phone, base_url)
    IncidentFactory(reporter=first, department=first.person.department)
    reference = Incident.objects.get().reference
    # The form names whom it reports as, for whoever picks up the phone.
    assert "Reporting as" in page.locator(".reporting-as").inner_text()
    page.goto(f"{base_url}/my-reports/")
    _until(lambda: reference in (_kept_page(page, "/my-reports/") or ""), failure=_NOT_RENEWED)

    # Within the session's length the kept copy serves without signal...
    context.set_offline(True)
    page.goto(f"{base_url}/my-reports/")
    assert reference in page.content()
    # ...but not once the session it was read in has run out (8 hours).
    _kept_page_aged(page, "/my-reports/", hours=8.5)
    page.goto(f"{base_url}/my-reports/")
    assert page.get_by_role("heading", name="No signal").is_visible()
    assert reference not in page.content()
    assert _kept_page(page, "/my-reports/") is None
    # The report form stays usable without signal: it names whom it reports as.
    page.goto(f"{base_url}/report/")
    assert page.locator("#intake-form").is_visible()
    context.set_offline(False)


def test_my_reports_keeps_its_first_page_for_reading_without_signal(phone, base_url):
    """The phone keeps the newest reports (the first page of "My reports"): reading a later
    page with signal does not put that page in the first one's place."""
    first, _next_one, context, page = _shared_phone(phone, base_url)
    now = timezone.now()
    for hours in range(25):  # Two pages, 20 a page.
        IncidentFactory(
            reporter=first,
            department=first.person.department,
            reported_at=now - timedelta(hours=hours),
        )
    newest, oldest = (
        Incident.objects.order_by(order).values_list("reference", flat=True)[0]
        for order in ("-reported_at", "reported_at")
    )
    page.goto(f"{base_url}/my-reports/")
    _until(lambda: newest in (_kept_page(page, "/my-reports/") or ""), failure=_NOT_RENEWED)

    page.get_by_role("link", name="Next").click()
    page.wait_for_url(f"{base_url}/my-reports/?page=2")
    assert oldest in page.content()
    time.sleep(1)  # Time for the worker to keep a copy of this page, were it to keep one.
    kept = _kept_page(page, "/my-reports/")
    assert newest in kept
    assert oldest not in kept

    context.set_offline(True)
    page.goto(f"{base_url}/my-reports/")
    assert newest in page.content()
    assert "Page 1 of 2" in page.locator(".pager").inner_text()
    # A later page without signal: the newest reports, which the phone has, not an error.
    page.goto(f"{base_url}/my-reports/?page=2")
    assert newest in page.content()
    context.set_offline(False)


def test_pages_of_a_session_that_ended_without_sign_out_are_dropped_at_the_next_signal(
    phone, base_url
):
    first, _next_one, context, page = _shared_phone(phone, base_url)
    page.goto(f"{base_url}/my-reports/")
    _until(lambda: _kept_page(page, "/my-reports/") is not None, failure=_NOT_RENEWED)
    assert _kept_page(page, "/report/") is not None

    context.clear_cookies()  # The session ran out on the server.
    page.goto(f"{base_url}/my-reports/")
    page.wait_for_url(f"{base_url}/accounts/login/?next=/my-reports/")
    _session_pages_gone(context, page, base_url)
    context.set_offline(False)


def test_a_refused_saved_report_is_offered_only_to_the_employee_who_saved_it(phone, base_url):
    _, page = _signed_in(phone, base_url)
    mine = page.input_value("input[name=reporter_tag]")

    def refused(client_uuid: str, mark: str) -> None:
        fields = [["client_uuid", client_uuid], ["narrative", f"Saved by {mark}"]]
        if mark:
            fields.append(["reporter_tag", mark])
        page.evaluate(
            """([uuid, fields]) => IntakeQueue.put({client_uuid: uuid, action: "/report/",
                csrf: "", fields: fields, files: [], saved_at: Date.now(), state: "rejected",
                errors: {narrative: [{message: "Too short"}]}})""",
            [client_uuid, fields],
        )

    refused("00000000-0000-4000-8000-000000000001", "another-employees-mark")
    refused("00000000-0000-4000-8000-000000000002", mine)
    refused("00000000-0000-4000-8000-000000000003", "")  # An anonymous report has no mark.
    page.reload()
    page.locator('[data-rejected="00000000-0000-4000-8000-000000000002"]').wait_for()
    assert page.locator('[data-rejected="00000000-0000-4000-8000-000000000003"]').count() == 1
    assert page.locator('[data-rejected="00000000-0000-4000-8000-000000000001"]').count() == 0
    assert page.evaluate("IntakeQueue.all().then(e => e.length)") == 3  # Nothing is deleted.


# --- The unfinished report -----------------------------------------------------------------------


_KEPT_PHOTOS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("riskcabinet-intake");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const db = open.result;
        const read = db.transaction("draft-photos").objectStore("draft-photos").getAll();
        read.onsuccess = () => { db.close(); resolve(read.result.map(k => k.files.length)); };
    };
})"""


def _type_and_lose_the_page(page, narrative: str, photo_path=None):
    """Type part of a report, then lose the page as a phone does (a call, the camera): the
    same browser opens the form again."""
    _fill_report(page, photo_path, narrative=narrative)
    page.wait_for_timeout(700)  # Kept a moment after the last key.
    page.close()


def _form_reopened_after_losing(phone, base_url, narrative: str, photo_path=None):
    """An employee types part of a report and loses the page; return the form opened again in
    the same browser, and the lost report's number."""
    _, page = _signed_in(phone, base_url)
    client_uuid = page.input_value("input[name=client_uuid]")
    context = page.context
    _type_and_lose_the_page(page, narrative, photo_path)
    page = context.new_page()
    page.goto(f"{base_url}/report/")
    return page, client_uuid


def test_an_unfinished_report_is_put_back_with_its_photo_when_the_form_opens_again(
    phone, base_url, photo_path
):
    page, client_uuid = _form_reopened_after_losing(
        phone, base_url, "Slipped on oil by truck 12, my wrist", photo_path
    )
    note = page.locator("[data-draft]")
    note.wait_for()
    assert note.inner_text().startswith("Your unfinished report was put back, as you left it.")
    assert "add any photos again" not in note.inner_text()
    assert page.input_value("#id_narrative") == "Slipped on oil by truck 12, my wrist"
    assert page.input_value("#id_body_part") == "Left wrist"
    assert page.is_checked("input[name=incident_type][value=injury_illness]")
    assert page.locator("#injury-details").is_visible()
    assert page.evaluate(
        "Array.from(document.getElementById('id_photos_library').files, f => f.name)"
    ) == ["IMG_2041.jpg"]
    # The same report number: sent twice by any path, it is still one report.
    assert page.input_value("input[name=client_uuid]") == client_uuid

    page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    incident = Incident.objects.get()
    assert incident.narrative == "Slipped on oil by truck 12, my wrist"
    assert incident.attachments.count() == 1
    page.goto(f"{base_url}/report/")
    assert page.input_value("#id_narrative") == ""
    assert page.get_by_text("Your unfinished report was put back").count() == 0
    _until(lambda: page.evaluate(_KEPT_PHOTOS) == [], failure="the photos are still kept")


def test_an_unfinished_report_whose_photos_went_missing_says_to_add_them_again(
    phone, base_url, photo_path
):
    page, _ = _form_reopened_after_losing(
        phone, base_url, "Cut my hand on a broken bottle", photo_path
    )
    page.locator("[data-draft]").wait_for()
    page.evaluate(
        "() => IntakeQueue.forgetDraftPhotos(Object.keys(localStorage)"
        ".find(k => k.startsWith('riskcabinet-draft:')))"
    )
    page.reload()
    page.get_by_text("(add any photos again)").wait_for()
    assert page.input_value("#id_narrative") == "Cut my hand on a broken bottle"
    assert page.evaluate("document.getElementById('id_photos_library').files.length") == 0


def test_an_unfinished_report_can_be_set_aside_for_a_new_one(phone, base_url, photo_path):
    page, _ = _form_reopened_after_losing(phone, base_url, "Half a report", photo_path)
    # A stray tap keeps it: it is set aside only once confirmed.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Start a new report").click()
    assert page.input_value("#id_narrative") == "Half a report"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Start a new report").click()

    assert page.input_value("#id_narrative") == ""
    assert page.locator("[data-draft]").count() == 0
    _until(lambda: page.evaluate(_KEPT_PHOTOS) == [], failure="the photos are still kept")
    page.reload()
    assert page.input_value("#id_narrative") == ""
    assert page.evaluate("document.getElementById('id_photos_library').files.length") == 0


def test_a_report_saved_for_sending_is_no_longer_kept_as_unfinished(phone, base_url):
    _, page = _signed_in(phone, base_url)
    _wait_for_service_worker(page)

    _save_on_phone_without_signal(page, None)
    page.reload()

    page.locator("#intake-queue").get_by_text("Reports waiting on this phone").wait_for()
    assert page.input_value("#id_narrative") == ""
    assert page.locator("[data-draft]").count() == 0


def test_an_unfinished_report_is_not_put_back_for_another_employee(phone, base_url):
    writer, next_one, context, page = _shared_phone(phone, base_url)
    _type_and_lose_the_page(page, "Mine, not yet sent")

    context.clear_cookies()
    page = context.new_page()
    sign_in(page, base_url, next_one.username)

    assert page.input_value("#id_narrative") == ""
    assert page.locator("[data-draft]").count() == 0
    # Still kept for its writer (the first test shows it put back for them).
    kept = page.evaluate(
        """Object.keys(localStorage).filter(k => k.startsWith("riskcabinet-draft:"))
             .map(k => JSON.parse(localStorage.getItem(k)).fields
                   .find(f => f[0] === "narrative")[1])"""
    )
    assert kept == ["Mine, not yet sent"]
