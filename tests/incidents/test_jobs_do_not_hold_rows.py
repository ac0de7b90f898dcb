"""The scheduled emails hold no rows while the mail server takes its time: an owner marking an
action done, an officer recording a report made, or a risk manager asking for the packet to be
built again goes through at once (on SQLite a held transaction would hold every write, reports
included)."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connections
from django.utils import timezone

import riskcabinet.mail
from incidents import triage_services
from incidents.models import ActionStatus, ClockKind, ComplianceClock, CorrectiveAction
from reports import services as packet_services
from reports.models import BriefingPacket, PacketStatus
from riskcabinet.mail import MailOutcome
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 5  # seconds a write may take beside a stalled email before it counts as held up


def _write_beside(write) -> tuple[bool, threading.Thread]:
    """Run `write` on its own connection, as another request would: whether it finished
    within WAIT seconds, and its thread, for the test to join so that nothing outlives it."""
    done = threading.Event()

    def run() -> None:
        try:
            write()
            done.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    finished = done.wait(WAIT)
    return finished, thread


def _went_through(beside: list[tuple[bool, threading.Thread]]) -> bool:
    """Whether the one write made beside an email finished in time (its thread joined)."""
    [(finished, thread)] = beside
    thread.join()
    return finished


def test_an_owner_can_mark_an_action_done_while_the_reminders_are_being_sent(monkeypatch):
    incident = IncidentFactory()
    late = timezone.localdate() - timedelta(days=2)
    first, second = (
        CorrectiveActionFactory(
            incident=incident,
            owner=UserFactory(username=name, email=f"{name}@riskcabinet.example"),
            due_on=late,
        )
        for name in ("a", "b")
    )
    beside = []

    def stalling_mail(**email) -> MailOutcome:
        if email["to"] == "b@riskcabinet.example":
            # The first owner, reminded a moment ago, marks their action done meanwhile.
            beside.append(
                _write_beside(
                    lambda: CorrectiveAction.objects.filter(pk=first.pk).update(
                        status=ActionStatus.DONE
                    )
                )
            )
        return MailOutcome.SENT

    monkeypatch.setattr(riskcabinet.mail, "mail_send", stalling_mail)

    assert triage_services.corrective_action_reminders_send() == 2

    assert _went_through(beside), "the owner's update waited for the reminder run"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ActionStatus.DONE
    assert (first.last_reminded_on, second.last_reminded_on) == (timezone.localdate(),) * 2


def test_a_refused_reminder_leaves_the_action_as_it_was_reminded_before(monkeypatch):
    yesterday = timezone.localdate() - timedelta(days=1)
    action = CorrectiveActionFactory(
        owner=UserFactory(email="b@riskcabinet.example"),
        due_on=yesterday,
        last_reminded_on=yesterday,
    )
    monkeypatch.setattr(riskcabinet.mail, "mail_send", lambda **email: MailOutcome.REFUSED)

    assert triage_services.corrective_action_reminders_send() == 0

    action.refresh_from_db()
    assert action.last_reminded_on == yesterday  # tried again on the next run


def test_an_officer_can_record_a_report_made_while_deadline_warnings_are_being_sent(
    monkeypatch,
):
    department = DepartmentFactory()
    user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="officer")
    now = timezone.now()
    clock = ComplianceClock.objects.create(
        incident=IncidentFactory(department=department),
        kind=ClockKind.EMPLOYER_REPORT,
        started_at=now - timedelta(hours=7),
        due_at=now + timedelta(hours=1),
    )
    beside = []

    def stalling_mail(**email) -> MailOutcome:
        beside.append(
            _write_beside(
                lambda: ComplianceClock.objects.filter(pk=clock.pk).update(completed_at=now)
            )
        )
        return MailOutcome.SENT

    monkeypatch.setattr(riskcabinet.mail, "mail_send", stalling_mail)

    assert triage_services.compliance_clock_warnings_send() == 1

    assert _went_through(beside), "recording the report waited for the warning run"
    clock.refresh_from_db()
    assert clock.completed_at is not None
    assert clock.warned_at is not None


def test_the_packet_can_be_asked_for_again_while_the_cabinet_is_being_emailed(monkeypatch):
    for name in ("deputy", "chief"):
        user_with_role(Role.CABINET_MEMBER, username=name)
    packet = BriefingPacket.objects.create(
        month=date(2026, 10, 1), status=PacketStatus.PUBLISHED, page_count=9
    )
    beside = []

    def stalling_mail(**email) -> MailOutcome:
        if not beside:
            beside.append(
                _write_beside(
                    lambda: BriefingPacket.objects.filter(pk=packet.pk).update(
                        progress_label="Queued again"
                    )
                )
            )
        return MailOutcome.SENT

    monkeypatch.setattr(riskcabinet.mail, "mail_send", stalling_mail)

    assert packet_services.packet_notify(month=packet.month) == 2

    assert _went_through(beside), "the packet's row waited for the cabinet's emails"
    packet.refresh_from_db()
    assert packet.progress_label == "Queued again"
    assert packet.notified_at is not None
    assert packet_services.packet_notify(month=packet.month) == 0  # told once


def test_a_packet_nobody_could_be_emailed_about_is_left_for_the_next_try(monkeypatch):
    user_with_role(Role.CABINET_MEMBER, username="deputy")
    packet = BriefingPacket.objects.create(
        month=date(2026, 10, 1), status=PacketStatus.PUBLISHED, page_count=9
    )
    monkeypatch.setattr(riskcabinet.mail, "mail_send", lambda **email: MailOutcome.REFUSED)

    assert packet_services.packet_notify(month=packet.month) == 0

    packet.refresh_from_db()
    assert packet.notified_at is None


def test_a_packet_whose_emails_failed_before_any_went_is_left_for_the_next_try(monkeypatch):
    # The beat job retries on an error: the packet must not stay marked told with nobody told.
    user_with_role(Role.CABINET_MEMBER, username="deputy")
    packet = BriefingPacket.objects.create(
        month=date(2026, 10, 1), status=PacketStatus.PUBLISHED, page_count=9
    )

    def readers_unreadable():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(packet_services, "packet_readers", readers_unreadable)

    with pytest.raises(RuntimeError):
        packet_services.packet_notify(month=packet.month)

    packet.refresh_from_db()
    assert packet.notified_at is None
    monkeypatch.undo()
    assert packet_services.packet_notify(month=packet.month) == 1
