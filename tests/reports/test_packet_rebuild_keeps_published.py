"""A rebuild of a packet the cabinet already has (the build button after corrected hours, as the
payroll reminder asks) must not take the published PDF away while it runs or when it fails."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from reports import services
from reports.models import BriefingPacket, PacketStatus
from riskcabinet.roles import Role
from tests.factories import user_with_role
from tests.reports.test_packet_city import PACKET_MONTH, packet_city_seed

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


def test_a_failed_rebuild_leaves_the_emailed_packet_downloadable(client, monkeypatch):
    packet_city_seed()
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        services.packet_build(month=PACKET_MONTH)
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    url = reverse("reports:packet-download", kwargs={"month": PACKET_MONTH})
    assert client.get(url).status_code == 200

    def broken(data):
        raise RuntimeError("the layout engine ran out of paper")

    monkeypatch.setattr(services, "build_packet_pdf", broken)
    with pytest.raises(RuntimeError):
        services.packet_build(month=PACKET_MONTH)  # "Build now" on the 5th, which fails.

    assert BriefingPacket.objects.get().status == PacketStatus.FAILED
    response = client.get(url)
    assert response.status_code == 200  # The link emailed on the 2nd still opens the packet.
    detail = client.get(reverse("reports:packet-detail", kwargs={"month": PACKET_MONTH}))
    assert url in detail.content.decode()


def test_a_rebuild_that_cannot_write_its_file_leaves_the_published_packet_downloadable(
    client, monkeypatch
):
    # Review: the failure most likely at publishing is the disk (full, read-only): the old PDF
    # was deleted before the new one was written, so the "last published PDF" link gave a 500.
    from django.core.files.storage import default_storage

    packet_city_seed()
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        services.packet_build(month=PACKET_MONTH)
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    url = reverse("reports:packet-download", kwargs={"month": PACKET_MONTH})
    published = b"".join(client.get(url).streaming_content)

    def disk_full(name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "build_packet_pdf", lambda data: published + b"\n% rebuilt")
    monkeypatch.setattr(default_storage, "save", disk_full)
    with pytest.raises(OSError, match="No space left"):
        services.packet_build(month=PACKET_MONTH)
    monkeypatch.undo()

    assert BriefingPacket.objects.get().status == PacketStatus.FAILED
    detail = client.get(reverse("reports:packet-detail", kwargs={"month": PACKET_MONTH}))
    assert url in detail.content.decode()  # The page offers the last published PDF...
    response = client.get(url)
    assert response.status_code == 200  # ...and it opens.
    assert b"".join(response.streaming_content) == published


@pytest.mark.parametrize("status", [PacketStatus.QUEUED, PacketStatus.BUILDING])
def test_the_emailed_link_offers_the_published_packet_while_a_rebuild_waits_or_runs(client, status):
    # Review: the email links to the packet's page, not the file. While a rebuild is queued (no
    # worker yet) or running, the page showed a progress bar and no way to the published PDF.
    packet_city_seed()
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        services.packet_build(month=PACKET_MONTH)
    BriefingPacket.objects.update(status=status, progress=15)  # "Build now" on the 5th.
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    url = reverse("reports:packet-download", kwargs={"month": PACKET_MONTH})

    detail = client.get(reverse("reports:packet-detail", kwargs={"month": PACKET_MONTH}))

    assert url in detail.content.decode()
    assert client.get(url).status_code == 200
