"""The packets pages: who may list, download and build, and the build's progress fragment."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from reports.models import BriefingPacket, PacketStatus
from riskcabinet.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def published():
    name = default_storage.save("packets/briefing-2026-10.pdf", ContentFile(b"%PDF-1.4 packet"))
    return BriefingPacket.objects.create(
        month=OCTOBER, status=PacketStatus.PUBLISHED, file=name, size=15, page_count=12
    )


def _client_for(client, role: Role | None):
    if role is not None:
        client.force_login(user_with_role(role))
    return client


READERS = (Role.CABINET_MEMBER, Role.RISK_MANAGER, Role.ADMINISTRATOR)
OTHERS = (Role.EMPLOYEE, Role.SAFETY_OFFICER)


@pytest.mark.parametrize("role", READERS)
def test_it_lists_and_downloads_packets_for_readers(client, published, role):
    client = _client_for(client, role)

    page = client.get(reverse("reports:packet-list"))
    download = client.get(reverse("reports:packet-download", kwargs={"month": OCTOBER}))

    assert page.status_code == 200
    assert "October 2026" in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 packet"
    assert "private" in download["Cache-Control"]


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("name", ["packet-list", "packet-detail", "packet-download"])
def test_it_forbids_employees_and_officers(client, published, role, name):
    client = _client_for(client, role)
    kwargs = {} if name == "packet-list" else {"month": OCTOBER}

    assert client.get(reverse(f"reports:{name}", kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize("name", ["packet-list", "packet-detail", "packet-download"])
def test_it_sends_anonymous_visitors_to_sign_in(client, published, name):
    kwargs = {} if name == "packet-list" else {"month": OCTOBER}

    response = client.get(reverse(f"reports:{name}", kwargs=kwargs))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_does_not_serve_an_unpublished_packet(client):
    BriefingPacket.objects.create(month=OCTOBER, status=PacketStatus.BUILDING, progress=40)
    client = _client_for(client, Role.CABINET_MEMBER)

    response = client.get(reverse("reports:packet-download", kwargs={"month": OCTOBER}))

    assert response.status_code == 404


def test_it_shows_build_now_only_to_risk_managers(client, published):
    manager = _client_for(client, Role.RISK_MANAGER).get(reverse("reports:packet-list"))
    client.logout()
    cabinet = _client_for(client, Role.CABINET_MEMBER).get(reverse("reports:packet-list"))

    assert "Build now" in manager.content.decode()
    assert "Build now" not in cabinet.content.decode()


@pytest.mark.parametrize("role", [Role.CABINET_MEMBER, Role.SAFETY_OFFICER, Role.EMPLOYEE])
def test_it_forbids_building_to_everyone_but_risk_managers(client, role):
    client = _client_for(client, role)

    response = client.post(reverse("reports:packet-build"), {"month": "2026-10"})

    assert response.status_code == 403
    assert not BriefingPacket.objects.exists()


def test_it_queues_a_build_on_commit_and_shows_its_progress(
    client, django_capture_on_commit_callbacks, monkeypatch, time_machine
):
    time_machine.move_to("2026-11-20 10:00-08:00")
    queued = []
    monkeypatch.setattr(
        "reports.tasks.packet_build_task.delay", lambda month_iso: queued.append(month_iso)
    )
    client = _client_for(client, Role.RISK_MANAGER)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reports:packet-build"), {"month": "2026-10"})
    assert queued == []  # Nothing is queued before the transaction commits.
    for callback in callbacks:
        callback()

    assert queued == ["2026-10-01"]
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:packet-detail", kwargs={"month": OCTOBER})
    packet = BriefingPacket.objects.get()
    assert packet.status == PacketStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1500ms"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "The packet for October 2026 is being built." in page


@pytest.mark.django_db(transaction=True)
def test_it_says_built_when_the_build_ran_at_once(client, monkeypatch, time_machine):
    # Without a broker (development) the task runs as it is queued.
    time_machine.move_to("2026-11-20 10:00-08:00")

    def build_now(month_iso):
        BriefingPacket.objects.filter(month=month_iso).update(status=PacketStatus.PUBLISHED)

    monkeypatch.setattr("reports.tasks.packet_build_task.delay", build_now)
    client = _client_for(client, Role.RISK_MANAGER)

    page = client.post(reverse("reports:packet-build"), {"month": "2026-10"}, follow=True)

    html = page.content.decode()
    assert "The packet for October 2026 is built." in html
    assert "being built" not in html
    assert "at the start of November 2, 2026" in html


def test_it_stops_polling_once_the_packet_is_published(client, published):
    client = _client_for(client, Role.CABINET_MEMBER)
    url = reverse("reports:packet-detail", kwargs={"month": OCTOBER})

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert fragment.lstrip().startswith('<div class="packet-status')
    assert "hx-trigger" not in fragment
    assert "Download PDF" in fragment
    assert "<html" not in fragment


def test_it_polls_while_building_and_shows_the_progress(client):
    BriefingPacket.objects.create(
        month=OCTOBER, status=PacketStatus.BUILDING, progress=55, progress_label="Laying out"
    )
    client = _client_for(client, Role.CABINET_MEMBER)
    url = reverse("reports:packet-detail", kwargs={"month": OCTOBER})

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 1500ms"' in fragment
    assert 'value="55"' in fragment
    assert "Laying out" in fragment


def test_it_rejects_a_month_that_is_not_offered(client, time_machine):
    time_machine.move_to("2026-11-20 10:00-08:00")
    client = _client_for(client, Role.RISK_MANAGER)

    response = client.post(reverse("reports:packet-build"), {"month": "2026-11"}, follow=True)

    assert "Choose one of the months offered." in response.content.decode()
    assert not BriefingPacket.objects.exists()


def test_it_shows_the_error_of_a_failed_build_to_risk_managers_only(client):
    BriefingPacket.objects.create(
        month=OCTOBER, status=PacketStatus.FAILED, error="RuntimeError: disk full", attempts=4
    )
    url = reverse("reports:packet-detail", kwargs={"month": OCTOBER})

    manager = _client_for(client, Role.RISK_MANAGER).get(url).content.decode()
    client.logout()
    cabinet = _client_for(client, Role.CABINET_MEMBER).get(url).content.decode()

    assert "disk full" in manager
    assert "did not finish" in manager
    assert "disk full" not in cabinet
    assert "did not finish" in cabinet
