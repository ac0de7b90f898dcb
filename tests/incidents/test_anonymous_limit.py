"""The public anonymous form takes a limited number of reports per network address and hour, so
that a script cannot flood the triage queue, and keeps no trace of the address."""

import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from incidents import throttle
from incidents.models import Incident
from tests.factories import DepartmentFactory
from tests.incidents.intake_helpers import report_data

pytestmark = pytest.mark.django_db
ANONYMOUS_URL = "/report/anonymous/"
SENDER = "203.0.113.7"


@pytest.fixture(autouse=True)
def limit_of_two(settings):
    settings.ANONYMOUS_REPORTS_PER_HOUR = 2
    settings.TRUSTED_PROXY_HOPS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def department():
    return DepartmentFactory(name="Street Services")


def _send(client, department, address=SENDER, **headers):
    data = report_data(department=department.pk, narrative="Loose manhole cover on 5th Street.")
    return client.post(ANONYMOUS_URL, data, REMOTE_ADDR=address, **headers), data


def test_it_refuses_the_report_over_the_limit_and_keeps_it_in_the_form(client, department):
    _send(client, department)
    _send(client, department)

    response, data = _send(client, department)

    page = response.content.decode()
    assert response.status_code == 429
    assert Incident.objects.count() == 2
    assert "Too many anonymous reports have come from your network" in page
    assert "Loose manhole cover on 5th Street." in page  # still in the form
    assert int(response["Retry-After"]) > 0


def test_the_offline_queue_is_told_to_send_it_later(client, department):
    _send(client, department)
    _send(client, department)

    response, _ = _send(client, department, HTTP_ACCEPT="application/json")

    assert response.status_code == 429
    assert "Too many anonymous reports" in response.json()["error"]


def test_htmx_gets_the_form_with_the_message_to_show(client, department):
    _send(client, department)
    _send(client, department)

    response, _ = _send(client, department, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    # htmx swaps only successful responses: the fragment with the message is a 200.
    assert response.status_code == 200
    assert 'id="intake"' in page
    assert "<html" not in page
    assert "Too many anonymous reports" in page


def test_each_address_has_its_own_count(client, department):
    _send(client, department)
    _send(client, department)

    response, _ = _send(client, department, address="198.51.100.4")

    assert response.status_code == 200
    assert Incident.objects.count() == 3


def test_a_report_sent_again_is_answered_even_over_the_limit(client, department):
    first, data = _send(client, department)
    _send(client, department)

    again = client.post(ANONYMOUS_URL, data, REMOTE_ADDR=SENDER)

    assert again.status_code == 200
    assert Incident.objects.count() == 2
    assert Incident.objects.get(client_uuid=uuid.UUID(data["client_uuid"])).receipt_code in (
        again.content.decode()
    )


def test_a_form_with_errors_is_not_counted(client, department):
    for _ in range(3):
        client.post(ANONYMOUS_URL, report_data(), REMOTE_ADDR=SENDER)  # no department

    response, _ = _send(client, department)

    assert response.status_code == 200
    assert Incident.objects.count() == 1


def test_the_cache_holds_no_address(department):
    request = RequestFactory().post(ANONYMOUS_URL, REMOTE_ADDR=SENDER)

    assert throttle.anonymous_report_admit(request, now=7200.0).admitted

    key = throttle._key(SENDER, 2)
    assert cache.get(key) == 1
    assert SENDER not in key
    assert throttle._key("198.51.100.4", 2) != key


def _admitted(request, *moments: float) -> list[bool]:
    return [throttle.anonymous_report_admit(request, now=moment).admitted for moment in moments]


def test_the_limit_is_over_the_last_sixty_minutes_not_the_clock_hour():
    request = RequestFactory().post(ANONYMOUS_URL, REMOTE_ADDR=SENDER)

    # Two just before 2:00 fill the limit; at 2:00 and 2:15 most of the last hour's two still
    # fall inside the last sixty minutes.
    before = _admitted(request, 7190.0, 7195.0)
    early = _admitted(request, 7200.0, 7200.0 + 900)
    # By 2:45 a quarter of them is left: one more fits, then no more.
    later = _admitted(request, 7200.0 + 2700, 7200.0 + 2701)
    # In the hour after, only that one (weighted by what is left of the hour) counts.
    next_hour = _admitted(request, 10800.0 + 1800, 10800.0 + 1801, 10800.0 + 1802)

    assert before == [True, True]
    assert early == [False, False]
    assert later == [True, False]
    assert next_hour == [True, False, False]


def test_a_refused_report_is_not_counted():
    request = RequestFactory().post(ANONYMOUS_URL, REMOTE_ADDR=SENDER)

    refused = _admitted(request, 3600.0, 3601.0, *[3602.0 + n for n in range(50)])
    # The next hour starts from the two taken, not from the fifty-two tried.
    next_hour = _admitted(request, 7200.0 + 3599)

    assert refused == [True, True] + [False] * 50
    assert next_hour == [True]


@pytest.mark.parametrize(
    ("previous", "current", "elapsed", "wait"),
    [
        (2, 0, 0.0, 1800),  # Last hour's two must be half gone to leave room for one.
        (2, 0, 1000.0, 800),
        (0, 2, 600.0, 3000 + 1800),  # This hour is full: next hour, once half of it has gone.
        (4, 1, 0.0, 3600),  # Room for one only once last hour's four have all gone.
    ],
)
def test_it_tells_the_sender_when_the_next_report_fits(previous, current, elapsed, wait):
    request = RequestFactory().post(ANONYMOUS_URL, REMOTE_ADDR=SENDER)
    hour = 7200.0
    cache.set(throttle._key(SENDER, 1), previous)
    cache.set(throttle._key(SENDER, 2), current)

    admission = throttle.anonymous_report_admit(request, now=hour + elapsed)
    later = throttle.anonymous_report_admit(request, now=hour + elapsed + wait)

    assert admission == throttle.Admission(False, wait)
    assert later.admitted
    cache.set(throttle._key(SENDER, 2), current)
    cache.set(throttle._key(SENDER, 3), 0)
    if wait > 1:
        assert not throttle.anonymous_report_admit(request, now=hour + elapsed + wait - 2).admitted


def test_behind_a_proxy_it_reads_the_address_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    spoofed = RequestFactory().post(
        ANONYMOUS_URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    direct = RequestFactory().post(ANONYMOUS_URL, REMOTE_ADDR="10.0.0.2")

    assert throttle.client_address(spoofed) == "203.0.113.7"
    assert throttle.client_address(direct) == "10.0.0.2"


def test_a_cache_that_cannot_be_reached_lets_the_report_in(client, department):
    with mock.patch.object(throttle.cache, "incr", side_effect=ConnectionError("down")):
        responses = [_send(client, department)[0] for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Incident.objects.count() == 3


def test_no_limit_when_set_to_zero(client, department, settings):
    settings.ANONYMOUS_REPORTS_PER_HOUR = 0

    responses = [_send(client, department)[0] for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
