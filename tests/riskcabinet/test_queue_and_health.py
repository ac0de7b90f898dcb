"""When the task queue (Redis) is down or does not answer, nothing that was queued is lost and no
request fails: the officers' emails go out from the request itself, a packet says why it was not
built, and the ranking is recomputed in place. The health check tells the load balancer and
monitoring what is up.

The Celery app is pointed at a broker that refuses connections, or at one that accepts them and
never answers, with the shipped socket timeouts and publish retries."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError

from incidents.models import Incident
from incidents.triage_services import incident_assign
from reports.models import BriefingPacket, PacketStatus
from reports.services import NOT_QUEUED_ERROR
from riskcabinet.celery import app as celery_app
from riskcabinet.models import DepartmentScore
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role
from tests.incidents.intake_helpers import report_data
from tests.riskcabinet.cabinet_helpers import scored_city

# Real commits, so that queueing happens when it does in production: as the transaction ends.
pytestmark = pytest.mark.django_db(transaction=True)


class SilentBroker:
    """A TCP server that accepts connections and never says a word, as a hung Redis does."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.accepted:
            connection.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reset_pools() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def _celery_broker(url: str):
    """The Celery app, not eager, publishing to `url`; as before afterwards."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    _reset_pools()
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        _reset_pools()
        celery_app.conf.update(saved)


@pytest.fixture(params=["refused", pytest.param("silent", marks=pytest.mark.slow)])
def broker_down(request, settings):
    """Celery, not eager, with a broker that is down ("refused") or hung ("silent")."""
    silent = SilentBroker() if request.param == "silent" else None
    url = f"redis://127.0.0.1:{silent.port if silent else _closed_port()}/0"
    settings.CELERY_BROKER_URL = url
    try:
        with _celery_broker(url):
            yield request.param
    finally:
        if silent:
            silent.close()


def test_the_shipped_broker_sockets_time_out():
    options = celery_app.conf.broker_transport_options
    assert 0 < options["socket_connect_timeout"] <= 10
    assert 0 < options["socket_timeout"] <= 10
    assert celery_app.conf.task_publish_retry_policy["max_retries"] <= 2


class Hung(Exception):
    pass


@contextlib.contextmanager
def _at_most(seconds: float):
    """Fail, rather than hang the suite, if the block has not finished within `seconds`."""

    def interrupt(signum, frame):
        raise Hung(f"still waiting on the task queue after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@time_machine.travel(datetime(2026, 7, 1, 17, 30, tzinfo=UTC), tick=True)
def test_a_serious_report_is_confirmed_and_the_officers_emailed(client, broker_down, caplog):
    department = DepartmentFactory(name="Sanitation")
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    client.force_login(user_with_role(Role.EMPLOYEE, department=department))

    with caplog.at_level(logging.ERROR, logger="riskcabinet.queueing"), _at_most(60):
        response = client.post(
            "/report/",
            report_data(treatment="hospital_stay"),
            headers={"accept": "application/json"},
        )

    assert response.status_code == 201
    incident = Incident.objects.get()
    assert response.json()["reference"] == incident.reference
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert incident.reference in mail.outbox[0].subject
    assert "06:30 PM PDT" in mail.outbox[0].body
    assert "incidents.tasks.serious_case_notify" in caplog.text
    assert "doing the work here instead" in caplog.text


def test_an_assignment_email_goes_out_from_the_request(broker_down):
    department = DepartmentFactory()
    lead = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    colleague = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    incident = IncidentFactory(department=department)

    with _at_most(60):
        incident_assign(incident=incident, assignee=colleague, by=lead)
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    assert incident.reference in mail.outbox[0].subject


@time_machine.travel(datetime(2026, 11, 10, 18, 0, tzinfo=UTC), tick=True)
def test_a_packet_that_could_not_be_queued_says_so(client, broker_down):
    client.force_login(user_with_role(Role.RISK_MANAGER))

    with _at_most(60):
        response = client.post("/cabinet/packets/build/", {"month": "2026-10"}, follow=True)
    assert response.status_code == 200
    packet = BriefingPacket.objects.get(month=date(2026, 10, 1))
    assert packet.status == PacketStatus.FAILED
    assert packet.error == NOT_QUEUED_ERROR
    assert "The packet for October 2026 failed." in response.content.decode()
    assert "could not be reached" in response.content.decode()


def test_the_ranking_is_recomputed_in_place(client, broker_down):
    scored_city()
    client.force_login(user_with_role(Role.RISK_MANAGER))
    assert not DepartmentScore.objects.exists()

    with _at_most(60):
        response = client.post("/cabinet/recompute/", {"month": "2026-09"})
    assert response.status_code == 302
    assert DepartmentScore.objects.filter(month=date(2026, 9, 1)).count() == 3


def test_the_health_check_says_the_queue_is_down_but_serves(client, broker_down):
    # Within a load balancer's patience (its own timeouts are one second), even when hung.
    with _at_most(5):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "queue": "unreachable"}


@pytest.mark.integration
def test_the_health_check_reaches_a_running_redis(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_the_health_check_without_a_broker_runs_tasks_in_process(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "in process"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    assert client.post("/health/").status_code == 405


def test_the_health_check_is_down_without_the_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("riskcabinet.views.connection.cursor", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "unreachable", "queue": "in process"}
