"""Intake under load and under a database restart, with real gunicorn and PostgreSQL.

- 2,000 reports from 50 concurrent clients, with random retries and duplicate sends, give
  exactly 2,000 incidents.
- PostgreSQL restarted in the middle of intake: clients get an error they can retry, every
  report lands exactly once, and no incident is half-written (each has its photo).
"""

import io
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import psycopg
import pytest
from django.utils import timezone
from PIL import Image

from tests.conftest import require_service
from tests.integration.servers import (
    PrivatePostgres,
    app_env,
    gunicorn_start,
    manage,
    private_postgres_possible,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIENTS = 50
REPORTS = 2_000
PASSWORD = "load-test-password-2026"

SETUP = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from riskcabinet.models import Department, Person
department = Department.objects.create(code="LASAN", name="Sanitation")
group = Group.objects.get(name="employee")
password = make_password({PASSWORD!r})
for n in range({CLIENTS}):
    user = get_user_model().objects.create(username=f"crew{{n}}", password=password)
    user.groups.add(group)
    Person.objects.create(user=user, department=department)
"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_service(
        bool(private_postgres_possible()),
        "A private PostgreSQL cluster (PostgreSQL server binaries and root to run initdb)",
    )
    folder = tmp_path_factory.mktemp("load")
    database = PrivatePostgres.create()
    env = app_env(database.url, folder / "media")
    try:
        manage(env, "migrate", "-v0")
        manage(env, "shell", "-c", SETUP)
        server = gunicorn_start(env)
        try:
            yield database, server
        finally:
            server.stop()
    finally:
        database.stop()


class Reporter:
    """One phone: signs in, then sends reports, resending until the server acknowledges."""

    def __init__(self, base_url: str, username: str):
        self.client = httpx.Client(base_url=base_url, timeout=30.0, follow_redirects=False)
        self.username = username
        self.errors_seen = 0
        self._sign_in()

    def _sign_in(self) -> None:
        for _attempt in range(60):
            try:
                self.client.get("/accounts/login/")
                response = self.client.post(
                    "/accounts/login/",
                    data={
                        "username": self.username,
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
                    },
                    headers={"Referer": str(self.client.base_url)},
                )
                if response.status_code == 302:
                    return
            except httpx.TransportError:
                pass
            time.sleep(1)
        raise AssertionError(f"{self.username} could not sign in")

    def send(
        self, client_uuid: str, photo: bytes | None, *, label: str = "Load", deadline: float = 120
    ) -> str:
        # An hour ago in the city's time zone, as the form reads it: a fixed time of day would
        # be in the future for the first hours after midnight.
        occurred = timezone.localtime() - timedelta(hours=1)
        data = {
            "client_uuid": client_uuid,
            "incident_type": "near_miss",
            "narrative": f"{label} test report {client_uuid}",
            "location_text": "Central yard",
            "occurred_date": occurred.date().isoformat(),
            "occurred_time": occurred.strftime("%H:%M"),
        }
        files = {"photos": ("photo.png", photo, "image/png")} if photo else None
        started = time.monotonic()
        while time.monotonic() - started < deadline:
            try:
                response = self.client.post(
                    "/report/",
                    data=data,
                    files=files,
                    headers={
                        "Accept": "application/json",
                        "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                        "Referer": str(self.client.base_url),
                    },
                )
            except httpx.TransportError:
                self.errors_seen += 1
                time.sleep(0.5)
                continue
            if response.status_code in (200, 201):
                return response.json()["reference"]
            if response.status_code == 302 and "/accounts/login/" in response.headers["location"]:
                self.errors_seen += 1
                self._sign_in()
                continue
            assert response.status_code >= 500, (response.status_code, response.text[:300])
            self.errors_seen += 1
            time.sleep(0.5)
        raise AssertionError(f"report {client_uuid} was never acknowledged")


def _count(database_url: str, sql: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as connection:
        return connection.execute(sql).fetchone()[0]


def test_it_stores_exactly_one_incident_per_report_from_50_clients(stack):
    database, server = stack
    before = _count(database.url, "SELECT count(*) FROM incidents_incident")
    reporters = [Reporter(server.url, f"crew{n}") for n in range(CLIENTS)]
    sent: dict[str, str] = {}
    lock = threading.Lock()

    def run(index: int) -> None:
        rng = random.Random(index)
        reporter = reporters[index]
        for _ in range(REPORTS // CLIENTS):
            client_uuid = str(uuid.uuid4())
            reference = reporter.send(client_uuid, None)
            # Retries: the phone did not hear the answer and sends the same report again.
            for _resend in range(rng.choice((0, 0, 0, 1, 2))):
                assert reporter.send(client_uuid, None) == reference
            with lock:
                sent[client_uuid] = reference

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(run, range(CLIENTS)))

    # Duplicate sends racing each other: the same phone sends one report twice at once.
    racing = [str(uuid.uuid4()) for _ in range(25)]
    jobs = [(n % CLIENTS, u) for n, u in enumerate(racing)] * 2
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        pairs = list(pool.map(lambda job: reporters[job[0]].send(job[1], None), jobs))
    assert pairs[: len(racing)] == pairs[len(racing) :]

    after = _count(database.url, "SELECT count(*) FROM incidents_incident")
    assert len(sent) == REPORTS
    assert len(set(sent.values())) == REPORTS
    assert after - before == REPORTS + len(racing)


def test_it_survives_a_postgresql_restart_without_losing_or_half_writing(stack):
    database, server = stack
    photo = _png()
    before = _count(database.url, "SELECT count(*) FROM incidents_incident")
    reporters = [Reporter(server.url, f"crew{n}") for n in range(10)]
    restarted = threading.Event()
    acknowledged: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        for _ in range(30):
            reference = reporters[index].send(str(uuid.uuid4()), photo, label="Restart")
            with lock:
                acknowledged.append(reference)
            if index == 0 and len(acknowledged) > 40 and not restarted.is_set():
                restarted.set()
                database.restart()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(run, range(10)))

    assert restarted.is_set()
    assert sum(r.errors_seen for r in reporters) > 0, "the restart was not felt by any client"
    stored = _count(database.url, "SELECT count(*) FROM incidents_incident") - before
    assert stored == len(acknowledged) == 300
    half_written = _count(
        database.url,
        "SELECT count(*) FROM incidents_incident i WHERE i.narrative LIKE 'Restart test%%' "
        "AND NOT EXISTS (SELECT 1 FROM incidents_attachment a WHERE a.incident_id = i.id)",
    )
    assert half_written == 0
    photos = _count(
        database.url,
        "SELECT count(*) FROM incidents_attachment a JOIN incidents_incident i "
        "ON i.id = a.incident_id WHERE i.narrative LIKE 'Restart test%%'",
    )
    assert photos == 300
    assert httpx.get(f"{server.url}/accounts/login/", timeout=10).status_code == 200
