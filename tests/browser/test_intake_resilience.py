"""The intake form when things go wrong: a report kept on the phone whose photo the server
refused or that the proxy found too large, a refused report opened and then dropped, a form
read hours before, the anonymous form without signal, and the header's touch targets."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from PIL import Image

from incidents.models import Incident
from tests.browser.conftest import PHONE
from tests.browser.test_intake_report import (
    _fill_report,
    _phone_without_service_worker,
    _save_on_phone_without_signal,
    _signed_in,
    _wait_for_service_worker,
)
from tests.factories import DepartmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kept_report_whose_photo_was_not_attached_tells_the_employee(phone, base_url, tmp_path):
    """The server takes a queued report but refuses its photo (here a BMP; likewise a photo
    over 10 MB): the employee must be told, as the online form's confirmation does."""
    bmp = tmp_path / "IMG_2042.bmp"
    Image.new("RGB", (64, 64), (200, 10, 10)).save(bmp, format="BMP")
    _, page = _signed_in(phone, base_url)
    _wait_for_service_worker(page)
    _save_on_phone_without_signal(page, bmp)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-sent-reference]").first.wait_for()

    incident = Incident.objects.get()
    assert incident.attachments.count() == 0  # the server dropped the photo
    page.wait_for_timeout(1000)
    shown = page.inner_text("#intake-queue")
    assert "IMG_2042.bmp" in shown, f"photo dropped in silence; the phone said only: {shown!r}"


def _server_clock_hours_behind(hours: int):
    """The form rendered as if it were `hours` earlier: the copy a phone kept that long ago."""
    real_localtime = timezone.localtime
    read_at = timezone.now() - timedelta(hours=hours)

    def earlier(value=None, timezone=None):
        return real_localtime(read_at if value is None else value, timezone)

    return mock.patch("django.utils.timezone.localtime", earlier)


def test_a_report_written_from_the_kept_form_defaults_to_the_time_it_is_written(phone, base_url):
    """The form kept for use without signal was read 3 hours ago; a report written from it
    now must not default to the time the page was read."""
    with _server_clock_hours_behind(3):
        context = phone()
        _, page = _signed_in(lambda: context, base_url)
        _wait_for_service_worker(page)
    context.set_offline(True)
    page.reload()  # The kept copy: no signal.
    page.locator("form[data-intake-form]").wait_for()
    shown = (page.input_value("#id_occurred_date"), page.input_value("#id_occurred_time"))
    assert shown in _now_shown(), f"the form says {shown}; it is now {_now_shown()[0]}"


def test_the_next_report_after_one_is_kept_on_the_phone_defaults_to_now(browser, base_url):
    """Now on the city's clock, even on a phone set to another time zone."""
    context = browser.new_context(timezone_id="America/New_York", **PHONE)
    context.set_default_timeout(15_000)
    with _server_clock_hours_behind(3):
        _, page = _signed_in(lambda: context, base_url)
    page.context.set_offline(True)
    _fill_report(page, None)
    page.click("button.button--send")
    page.locator("#intake-queue").get_by_text("Saved on this phone").first.wait_for()
    # The form was reset for the next report: its time should be now, not 3 hours ago.
    shown = (page.input_value("#id_occurred_date"), page.input_value("#id_occurred_time"))
    assert shown in _now_shown(), f"the form says {shown}; it is now {_now_shown()[0]}"
    context.close()


def _now_shown():
    """(date, time) as the form shows them, for now and the next minute (America/Los_Angeles)."""
    now = timezone.localtime()
    return [
        ((now + timedelta(minutes=m)).date().isoformat(), f"{now + timedelta(minutes=m):%H:%M}")
        for m in (0, 1, -1)
    ]


def test_an_anonymous_report_that_could_not_be_sent_says_so(browser, base_url):
    DepartmentFactory(name="Sanitation")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base_url}/report/anonymous/")
    page.fill("#id_narrative", "Forklift reversed without looking at the yard gate.")
    page.fill("#id_location_text", "Lopez Canyon yard")
    page.select_option("#id_department", label="Sanitation")
    context.set_offline(True)
    page.click("button.button--send")
    page.wait_for_timeout(2000)
    told = page.get_by_role("alert")
    assert told.inner_text() == (
        "Not sent: there is no signal. Your report is still in the form: send it again when you "
        "have signal."
    )
    assert page.input_value("#id_narrative").startswith("Forklift reversed")
    context.close()


def test_the_report_forms_buttons_are_at_least_44px_tall(phone, base_url, tmp_path):
    _, page = _signed_in(phone, base_url)
    page.fill("#id_narrative", "Half written")
    page.wait_for_timeout(800)  # kept as a draft
    page.reload()
    page.get_by_role("button", name="Start a new report").wait_for()
    small = {}
    for name in ("Start a new report", "Sign out", "Español"):
        box = page.get_by_role("button", name=name).bounding_box()
        if box["height"] < 44:
            small[name] = box["height"]
    assert small == {}, f"targets under 44px at 390px: {small}"


def test_a_second_report_written_after_going_back_is_not_swallowed(phone, base_url):
    """Sent, then the phone's Back button to the form, and a second, different report: it must
    be filed, not answered with the first report's confirmation."""
    _, page = _signed_in(phone, base_url)
    _fill_report(page, None, narrative="First: slipped on oil by truck 12.")
    page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    page.go_back()
    page.locator("form[data-intake-form]").wait_for()
    page.wait_for_timeout(500)
    _fill_report(page, None, narrative="Second: a coworker cut his hand on a bin lid.")
    page.click("button.button--send")
    page.locator("[data-reference]").wait_for()
    narratives = sorted(Incident.objects.values_list("narrative", flat=True))
    assert narratives == [
        "First: slipped on oil by truck 12.",
        "Second: a coworker cut his hand on a bin lid.",
    ], f"stored: {narratives}; page says: {page.inner_text('#intake')[:200]!r}"


def test_a_refused_saved_report_opened_to_fix_is_not_lost_with_the_page(phone, base_url):
    """'Open it' takes a refused report out of the phone's queue into the form; if the page is
    then dropped (a call, the camera) before it is sent, the report must still be on the phone."""
    _, page = _signed_in(phone, base_url)
    _refused_on_phone(page, "Crane swung over the crew at Pier 4.")
    page.reload()
    page.get_by_role("button", name="Open it").click()
    assert page.input_value("#id_narrative") == "Crane swung over the crew at Pier 4."
    # What the server refused is said again, beside the report put back in the form.
    assert "The date and time can't be in the future." in page.inner_text("#intake-queue")
    page.wait_for_timeout(1000)
    context = page.context
    page.close()  # The phone drops the page before the date is fixed.

    page = context.new_page()
    page.goto(f"{base_url}/report/")
    page.wait_for_timeout(1500)
    in_form = page.input_value("#id_narrative")
    queued = page.evaluate("IntakeQueue.all().then(e => e.length)")
    assert in_form == "Crane swung over the crew at Pier 4." or queued == 1, (
        f"the report is gone: form narrative {in_form!r}, {queued} in the queue"
    )


def _refused_on_phone(page, narrative):
    """A report the phone kept and the server then refused (a date in the future)."""
    mark = page.input_value("input[name=reporter_tag]")
    uuid = "00000000-0000-4000-8000-0000000000bb"
    fields = [
        ["client_uuid", uuid],
        ["reporter_tag", mark],
        ["incident_type", "near_miss"],
        ["narrative", narrative],
        ["location_text", "Pier 4"],
        ["occurred_date", "2999-01-01"],
        ["occurred_time", "07:30"],
    ]
    page.evaluate(
        """([uuid, fields]) => IntakeQueue.put({client_uuid: uuid, action: form_action(),
            csrf: "", fields: fields, files: [], saved_at: Date.now(), state: "rejected",
            errors: {occurred_date: [{message: "The date and time can't be in the future."}]}})
        """.replace("form_action()", "document.querySelector('form[data-intake-form]').action"),
        [uuid, fields],
    )


@pytest.mark.parametrize("where", ["my reports", "confirmation", "confirmation at /report/"])
def test_a_refused_saved_report_opens_from_a_page_without_the_form(phone, base_url, where):
    """The notice "not accepted. Open it to fix it" is shown on "My reports" and on the
    confirmation that takes the form's place; there "Open it" must open the form with the
    report in it (it was missing, or did nothing)."""
    _, page = _signed_in(phone, base_url)
    _refused_on_phone(page, "Crane swung over the crew at Pier 4.")
    if where == "my reports":
        page.goto(f"{base_url}/my-reports/")
    else:
        page.reload()
        page.get_by_role("button", name="Open it").wait_for()
        _fill_report(page, None, narrative="Another report: a loose rail on the dock.")
        page.click("button.button--send")
        page.locator("[data-reference]").wait_for()
        if where == "confirmation at /report/":
            # As a browser without htmx shows it: the confirmation at the form's own address.
            page.evaluate("history.replaceState(null, '', '/report/')")

    page.get_by_role("button", name="Open it").click()

    page.wait_for_function(
        "() => document.querySelector('#id_narrative') "
        "&& document.querySelector('#id_narrative').value !== ''"
    )
    assert page.input_value("#id_narrative") == "Crane swung over the crew at Pier 4."
    assert "The date and time can't be in the future." in page.inner_text("#intake-queue")
    assert "open-saved" not in page.url  # a reload must not open it a second time
    page.wait_for_function("() => IntakeQueue.all().then(e => e.length === 0)", polling=200)


def test_a_kept_report_too_large_for_the_proxy_does_not_hold_up_the_others(
    browser, base_url, tmp_path
):
    """The proxy takes at most 55 MB (README); six 10 MB photos from the library are more.
    Saved on the phone without signal, that report is answered 413 every time it is sent: it
    must not keep every report saved after it from being sent, and the employee must be told."""
    photo = tmp_path / "IMG_0001.jpg"
    Image.new("RGB", (64, 64), (10, 10, 10)).save(photo, format="JPEG")
    _, context, page = _phone_without_service_worker(browser, base_url)
    too_large = []

    def proxy(route):
        content_type = route.request.headers.get("content-type", "")
        if route.request.method == "POST" and content_type.startswith("multipart/"):
            too_large.append(1)
            route.fulfill(status=413, body="<html>413 Request Entity Too Large</html>")
        else:
            route.continue_()

    page.route("**/report/", proxy)
    context.set_offline(True)
    for n, narrative, photos in [(1, "With many photos", photo), (2, "Without photos", None)]:
        _fill_report(page, photos, narrative=narrative)
        page.evaluate(
            "n => document.querySelector('input[name=client_uuid]').value = "
            "'00000000-0000-4000-8000-00000000000' + n",
            n,
        )
        page.click("button.button--send")
        page.wait_for_function(
            "n => IntakeQueue.all().then(e => e.length === n)", arg=n, polling=200
        )
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-sent-reference]").first.wait_for()
    assert too_large, "the report with photos was never sent"
    assert list(Incident.objects.values_list("narrative", flat=True)) == ["Without photos"]
    # The refused one waits, to be opened and sent with fewer photos.
    page.get_by_role("button", name="Open it").click()
    assert page.input_value("#id_narrative") == "With many photos"
    assert "The photos are too large to send together." in page.inner_text("#intake-queue")
    context.close()
