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

    assert throttle.anonymous_report_admit(request, now=7200.0)

    key = throttle._key(SENDER, 2)
    assert cache.get(key) == 1
    assert SENDER not in key
    assert throttle._key("198.51.100.4", 2) != key


def test_the_count_starts_again_each_hour():
    request = RequestFactory().post(ANONYMOUS_URL, REMOTE_ADDR=SENDER)

    counted = [throttle.anonymous_report_admit(request, now=3600.0 + n) for n in range(3)]
    next_hour = throttle.anonymous_report_admit(request, now=7200.0)

    assert counted == [True, True, False]
    assert next_hour is True


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
