"""The packet's email to the cabinet when the mail server is down at 06:00 on the 2nd, or when
a reader was refused or joined the cabinet later.

A reader not told when the packet came out is told by the hourly try on the 2nd to the 7th:
unless something on the schedule tries again, they never hear the packet is out.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

import riskcabinet.mail
from reports import tasks
from reports.models import BriefingPacket, PacketStatus
from riskcabinet.mail import MailOutcome
from riskcabinet.roles import Role
from tests.beat import run_beat_between
from tests.factories import user_with_role
from tests.reports.test_packet_city import packet_city_seed

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


def _mail_server_down(**kwargs):
    raise ConnectionRefusedError(111, "Connection refused")


def test_the_cabinet_hears_of_the_packet_once_the_mail_server_is_back(monkeypatch):
    packet_city_seed()
    cabinet = user_with_role(Role.CABINET_MEMBER, username="deputy")

    monkeypatch.setattr(riskcabinet.mail, "send_mail", _mail_server_down)
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        tasks.packet_build_for_last_month.apply()
    assert BriefingPacket.objects.get().status == PacketStatus.PUBLISHED
    assert mail.outbox == []

    monkeypatch.undo()  # The mail server is back by 08:00.
    run_beat_between(
        datetime(2026, 11, 2, 8, 0, tzinfo=PACIFIC), datetime(2026, 11, 4, 0, 0, tzinfo=PACIFIC)
    )

    told = [m for m in mail.outbox if "Briefing packet" in m.subject]
    assert [m.to for m in told] == [[cabinet.email]]


def test_a_refused_reader_and_one_who_joined_since_are_told_and_nobody_twice(monkeypatch):
    packet_city_seed()
    deputy = user_with_role(Role.CABINET_MEMBER, username="deputy")
    chief = user_with_role(Role.CABINET_MEMBER, username="chief")
    real_mail_send = riskcabinet.mail.mail_send

    def chief_refused(**email):
        return MailOutcome.REFUSED if email["to"] == chief.email else real_mail_send(**email)

    monkeypatch.setattr(riskcabinet.mail, "mail_send", chief_refused)
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        tasks.packet_build_for_last_month.apply()
    monkeypatch.undo()
    newcomer = user_with_role(Role.CABINET_MEMBER, username="newcomer")

    run_beat_between(
        datetime(2026, 11, 2, 7, 0, tzinfo=PACIFIC), datetime(2026, 11, 3, 0, 0, tzinfo=PACIFIC)
    )

    told = [m.to for m in mail.outbox if "Briefing packet" in m.subject]
    assert told == [[deputy.email], [chief.email], [newcomer.email]]


def test_a_packet_announced_before_deliveries_were_recorded_is_not_announced_again():
    # October's packet went out at 06:00 on the 2nd, before this release recorded who was told
    # (riskcabinet 0008): only the packet's notified_at says so. The hourly tries after the
    # upgrade must not email the whole cabinet a second time.
    user_with_role(Role.CABINET_MEMBER, username="deputy")
    user_with_role(Role.RISK_MANAGER, username="helen")
    BriefingPacket.objects.create(
        month=date(2026, 10, 1),
        status=PacketStatus.PUBLISHED,
        page_count=9,
        notified_at=datetime(2026, 11, 2, 6, 1, tzinfo=PACIFIC),
    )

    run_beat_between(
        datetime(2026, 11, 3, 9, 0, tzinfo=PACIFIC), datetime(2026, 11, 3, 10, 0, tzinfo=PACIFIC)
    )

    assert [m for m in mail.outbox if "Briefing packet" in m.subject] == []
