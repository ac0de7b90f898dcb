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
