"""The packet's email to the cabinet when the mail server is down at 06:00 on the 2nd.

packet_notify leaves the packet un-notified for "the next try" when nobody could be emailed, but
the beat job returns normally (no retry) and runs again only next month: unless something on
the schedule tries again, the cabinet is never told the packet is out.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

import incidents.tasks  # noqa: F401  (registers the beat jobs' tasks)
import riskcabinet.mail
import riskcabinet.tasks  # noqa: F401
from reports import tasks
from reports.models import BriefingPacket, PacketStatus
from riskcabinet.celery import app
from riskcabinet.roles import Role
from tests.factories import user_with_role
from tests.reports.test_packet_city import packet_city_seed

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


def _mail_server_down(**kwargs):
    raise ConnectionRefusedError(111, "Connection refused")


def _fires_at(schedule, moment: datetime) -> bool:
    return (
        moment.minute in schedule.minute
        and moment.hour in schedule.hour
        and moment.day in schedule.day_of_month
        and moment.month in schedule.month_of_year
        and (moment.isoweekday() % 7) in schedule.day_of_week
    )


def _run_beat_between(start: datetime, end: datetime) -> None:
    """Run every beat job at each local minute it fires at, as beat would."""
    moment = start
    while moment < end:
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            if _fires_at(entry["schedule"], moment):
                with time_machine.travel(moment, tick=False):
                    app.tasks[entry["task"]].apply()
        moment += timedelta(minutes=1)


def test_the_cabinet_hears_of_the_packet_once_the_mail_server_is_back(monkeypatch):
    packet_city_seed()
    cabinet = user_with_role(Role.CABINET_MEMBER, username="deputy")

    monkeypatch.setattr(riskcabinet.mail, "send_mail", _mail_server_down)
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        tasks.packet_build_for_last_month.apply()
    assert BriefingPacket.objects.get().status == PacketStatus.PUBLISHED
    assert mail.outbox == []

    monkeypatch.undo()  # The mail server is back by 08:00.
    _run_beat_between(
        datetime(2026, 11, 2, 8, 0, tzinfo=PACIFIC), datetime(2026, 11, 4, 0, 0, tzinfo=PACIFIC)
    )

    told = [m for m in mail.outbox if "Briefing packet" in m.subject]
    assert [m.to for m in told] == [[cabinet.email]]
