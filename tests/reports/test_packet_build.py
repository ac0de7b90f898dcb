"""Building, publishing and announcing the monthly briefing packet."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from incidents.models import Severity
from reports import services, tasks
from reports.models import BriefingPacket, PacketStatus
from riskcabinet.models import DepartmentScore
from riskcabinet.roles import Role
from riskcabinet.selectors import scoring_result_compute
from riskcabinet.services import department_scores_compute
from tests.factories import IncidentFactory, user_with_role
from tests.reports.test_packet_city import PACKET_MONTH, packet_city_seed

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def city():
    return packet_city_seed()


def test_it_publishes_a_packet_with_its_file_hash_size_and_pages(city):
    packet = services.packet_build(month=PACKET_MONTH)

    packet.refresh_from_db()
    assert packet.status == PacketStatus.PUBLISHED
    assert packet.file.name == "packets/briefing-2026-10.pdf"
    pdf = default_storage.open(packet.file.name).read()
    assert len(pdf) == packet.size
    assert len(PdfReader(io.BytesIO(pdf)).pages) == packet.page_count >= 8
    assert (packet.progress, packet.progress_label, packet.error) == (100, "Published", "")
    assert packet.generated_at is not None


def test_the_dashboard_keeps_the_ranking_the_packet_printed(city):
    department_scores_compute(month=PACKET_MONTH)
    seen_before = {s.department.code: s.recordable_cases for s in DepartmentScore.objects.all()}
    # A case reported late, after the month's ranking was first kept.
    sanitation = next(iter(city["departments"].values()))
    IncidentFactory(
        department=sanitation,
        occurred_at=datetime(2026, 10, 20, 9, 0, tzinfo=PACIFIC),
        severity=Severity.DAYS_AWAY,
        recordable=True,
    )

    services.packet_build(month=PACKET_MONTH)

    stored = {s.department.code: s for s in DepartmentScore.objects.filter(month=PACKET_MONTH)}
    assert stored[sanitation.code].recordable_cases == seen_before[sanitation.code] + 1
    printed = {
        row["department"]: row["rank"] for row in scoring_result_compute(month=PACKET_MONTH).rows
    }
    assert {code: score.rank for code, score in stored.items()} == printed


def test_it_builds_the_same_content_twice_from_the_same_data(city):
    first = services.packet_build(month=PACKET_MONTH).sha256
    first_generated_at = BriefingPacket.objects.get().generated_at

    with time_machine.travel(datetime(2027, 3, 9, 14, 0, tzinfo=PACIFIC)):
        second = services.packet_build(month=PACKET_MONTH)

    assert second.sha256 == first
    assert second.generated_at == first_generated_at  # Same content: nothing was replaced.
    assert BriefingPacket.objects.count() == 1


def test_it_leaves_one_published_packet_when_the_task_runs_twice(city):
    tasks.packet_build_task.delay("2026-10-01")
    tasks.packet_build_task.delay("2026-10-01")

    packets = BriefingPacket.objects.all()
    assert [(p.month, p.status, p.attempts) for p in packets] == [
        (PACKET_MONTH, PacketStatus.PUBLISHED, 2)
    ]
    assert default_storage.listdir("packets")[1] == ["briefing-2026-10.pdf"]


def test_it_records_a_failure_on_the_packet_after_retrying(city, monkeypatch):
    def broken(data):
        raise RuntimeError("the layout engine ran out of paper")

    monkeypatch.setattr(services, "build_packet_pdf", broken)
    conf = tasks.packet_build_task.app.conf
    propagates = conf.task_eager_propagates
    # Let the eager task retry in process as a worker would, instead of raising at once.
    conf.task_eager_propagates = False
    try:
        result = tasks.packet_build_task.apply(args=("2026-10-01",))
    finally:
        conf.task_eager_propagates = propagates

    assert result.failed()

    packet = BriefingPacket.objects.get(month=PACKET_MONTH)
    assert packet.status == PacketStatus.FAILED
    assert "ran out of paper" in packet.error
    assert packet.attempts == 4  # The first try and three retries.


def test_it_declares_late_acks_retries_and_backoff_on_the_build_tasks():
    for task in (tasks.packet_build_task, tasks.packet_build_for_last_month):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.autoretry_for == (Exception,)
        assert task.retry_backoff is True
        assert task.max_retries == 3
    assert tasks.packet_build_for_last_month.name == "reports.tasks.packet_build_for_last_month"


def test_it_runs_the_beat_job_at_six_on_the_second_in_los_angeles(settings):
    from riskcabinet.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["monthly-briefing-packet"]
    schedule = entry["schedule"]
    schedule.app = app
    last_run = datetime(2026, 10, 2, 6, 0, tzinfo=PACIFIC)

    def due_at(moment: datetime) -> bool:
        schedule.nowfun = lambda: moment
        return schedule.is_due(last_run).is_due

    assert entry["task"] == "reports.tasks.packet_build_for_last_month"
    assert str(app.conf.timezone) == "America/Los_Angeles"
    # 06:00 UTC on the 2nd is still the 1st in Los Angeles: not yet.
    assert not due_at(datetime(2026, 11, 2, 6, 0, 30, tzinfo=ZoneInfo("UTC")))
    assert not due_at(datetime(2026, 11, 2, 5, 59, tzinfo=PACIFIC))
    assert due_at(datetime(2026, 11, 2, 6, 0, 30, tzinfo=PACIFIC))


def test_it_builds_last_month_and_emails_readers_a_link_once(city, settings):
    settings.SITE_URL = "https://safety.example.gov"
    cabinet = user_with_role(Role.CABINET_MEMBER, username="deputy")
    manager = user_with_role(Role.RISK_MANAGER, username="helen")
    user_with_role(Role.SAFETY_OFFICER, username="marcus")
    user_with_role(Role.EMPLOYEE, username="rosa")

    # 06:00 on 2 November in Los Angeles is already the 2nd in UTC too; 23:30 on the 1st is not.
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        sent = tasks.packet_build_for_last_month.delay().get()
        again = tasks.packet_build_for_last_month.delay().get()

    packet = BriefingPacket.objects.get()
    assert packet.month == date(2026, 10, 1)
    assert packet.status == PacketStatus.PUBLISHED
    assert (sent, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cabinet.email, manager.email])
    message = mail.outbox[0]
    assert "https://safety.example.gov/cabinet/packets/2026-10/" in message.body
    assert not message.attachments
    assert packet.notified_at is not None


def test_a_refused_reader_does_not_keep_the_others_from_the_link_or_send_it_twice(
    city, monkeypatch
):
    import riskcabinet.mail
    from tests.mailbox import refusing

    first = user_with_role(Role.CABINET_MEMBER, username="aaa-first")
    refused = user_with_role(Role.CABINET_MEMBER, username="mmm-refused")
    last = user_with_role(Role.CABINET_MEMBER, username="zzz-last")
    monkeypatch.setattr(riskcabinet.mail, "send_mail", refusing(refused.email))

    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        sent = tasks.packet_build_for_last_month.delay().get()
        again = tasks.packet_build_for_last_month.delay().get()

    assert (sent, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, last.email])


def test_last_months_packet_built_after_late_payroll_hours_still_reaches_the_cabinet(
    city, django_capture_on_commit_callbacks
):
    cabinet = user_with_role(Role.CABINET_MEMBER, username="deputy")

    with time_machine.travel(datetime(2026, 11, 4, 9, 0, tzinfo=PACIFIC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.packet_queue(month=date(2026, 10, 1))  # The build button, after the 2nd.
        with django_capture_on_commit_callbacks(execute=True):
            services.packet_queue(month=date(2026, 10, 1))  # Built again: told once.
        with django_capture_on_commit_callbacks(execute=True):
            services.packet_queue(month=date(2026, 9, 1))  # An older month: nobody is told.

    assert BriefingPacket.objects.get(month=date(2026, 10, 1)).status == PacketStatus.PUBLISHED
    assert [m.to[0] for m in mail.outbox] == [cabinet.email]
    assert "October 2026" in mail.outbox[0].subject


def test_it_counts_last_month_in_los_angeles_time(city):
    # 1 November 05:30 UTC is still 31 October in Los Angeles: last month is September.
    with time_machine.travel(datetime(2026, 11, 1, 5, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        tasks.packet_build_for_last_month.delay()

    assert BriefingPacket.objects.get().month == date(2026, 9, 1)


def test_it_builds_from_the_command_and_writes_the_file(city, tmp_path):
    out = tmp_path / "october.pdf"
    stdout = io.StringIO()

    call_command("build_packet", "--month", "2026-10", "--out", str(out), stdout=stdout)

    packet = BriefingPacket.objects.get()
    assert out.read_bytes() == default_storage.open(packet.file.name).read()
    assert "2026-10" in stdout.getvalue()


@pytest.mark.parametrize("month", ["2026-13", "october", "2026-1", ""])
def test_it_rejects_a_bad_month_in_the_command(month):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("build_packet", "--month", month)


def test_it_refuses_a_month_without_hours_in_the_command(city):
    with pytest.raises(CommandError, match="No hours worked"):
        call_command("build_packet", "--month", "2019-01")


def test_the_dashboard_says_when_a_month_was_ranked_again_after_its_packet(city, client):
    from django.urls import reverse

    client.force_login(user_with_role(Role.CABINET_MEMBER, username="deputy"))
    with time_machine.travel(datetime(2026, 11, 2, 6, 0, tzinfo=PACIFIC), tick=False):
        services.packet_build(month=PACKET_MONTH)
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=PACIFIC), tick=False):
        before = client.get(reverse("cabinet:dashboard"), {"month": "2026-10"}).content.decode()
    with time_machine.travel(datetime(2026, 11, 3, 3, 0, tzinfo=PACIFIC), tick=False):
        department_scores_compute(month=PACKET_MONTH)  # The nightly run, with a late report.
        after = client.get(reverse("cabinet:dashboard"), {"month": "2026-10"}).content.decode()

    assert "Ranked again since" not in before
    assert "Ranked again since" in after
    assert 'href="/cabinet/packets/2026-10/">the October packet</a> was built on Nov 2' in after
