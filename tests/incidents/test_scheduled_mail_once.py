"""The officers' scheduled emails tell each person once: two deadline runs at once do not both
warn, a reminder refused at 07:00 goes at 08:00 and nobody is reminded twice a day, and a
serious-case alert retried after a refusal goes only to whom it had not reached."""

import smtplib
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

import riskcabinet.mail
from incidents.models import ClockKind, ComplianceClock, CorrectiveAction
from incidents.services import serious_case_notify
from incidents.triage_services import compliance_clock_warnings_send
from riskcabinet.mail import MAIL_CLAIM_LEASE, MailOutcome
from riskcabinet.models import MailDelivery
from riskcabinet.roles import Role
from tests.beat import run_beat_between
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    UserFactory,
    user_with_role,
)

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.mark.django_db(transaction=True)
def test_two_deadline_runs_at_once_warn_each_officer_once(monkeypatch):
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="officer")
    now = timezone.now()
    ComplianceClock.objects.create(
        incident=IncidentFactory(department=department),
        kind=ClockKind.EMPLOYER_REPORT,
        started_at=now - timedelta(hours=7),
        due_at=now + timedelta(hours=1),
    )
    sent_to, second_run = [], []
    real_mail_send = riskcabinet.mail.mail_send

    def slow_mail(**email) -> MailOutcome:
        sent_to.append(email["to"])
        if len(sent_to) == 1:
            # The next hour's run starts while this email is still on its way.
            def run():
                try:
                    second_run.append(compliance_clock_warnings_send())
                finally:
                    connections.close_all()

            thread = threading.Thread(target=run)
            thread.start()
            thread.join(timeout=30)
        return real_mail_send(**email)

    monkeypatch.setattr(riskcabinet.mail, "mail_send", slow_mail)

    assert compliance_clock_warnings_send() == 1

    assert second_run == [0]
    assert sent_to == [officer.email]
    assert [m.to for m in mail.outbox] == [[officer.email]]


@pytest.mark.django_db
def test_a_reminder_refused_at_seven_goes_at_eight_and_once(monkeypatch):
    owner = UserFactory(username="owner", email="owner@riskcabinet.example")
    action = CorrectiveActionFactory(owner=owner, due_on=timezone.localdate() - timedelta(days=2))
    monkeypatch.setattr(riskcabinet.mail, "mail_send", lambda **email: MailOutcome.REFUSED)
    day = timezone.localdate()
    seven = datetime(day.year, day.month, day.day, 7, 0, tzinfo=PACIFIC)
    run_beat_between(seven, seven + timedelta(minutes=1))
    monkeypatch.undo()  # The mail server is back.

    run_beat_between(seven + timedelta(minutes=1), seven + timedelta(hours=5))

    reminders = [m for m in mail.outbox if "corrective action" in m.subject]
    assert [m.to for m in reminders] == [[owner.email]]
    assert CorrectiveAction.objects.get(pk=action.pk).last_reminded_on == day


@pytest.mark.django_db
def test_a_reminder_lost_with_its_worker_is_sent_by_a_later_run():
    from incidents.triage_services import corrective_action_reminders_send

    owner = UserFactory(username="owner", email="owner@riskcabinet.example")
    today = timezone.localdate()
    action = CorrectiveActionFactory(owner=owner, due_on=today - timedelta(days=2))
    # The 07:00 run claimed the reminder and its worker was killed before the email went.
    delivery = MailDelivery.objects.create(
        topic=f"action:{action.pk}:{today:%Y-%m-%d}",
        recipient=owner.email,
        claimed_at=timezone.now() - timedelta(minutes=5),
        attempts=1,
    )

    assert corrective_action_reminders_send() == 0  # Perhaps still on its way: left alone.
    MailDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - MAIL_CLAIM_LEASE - timedelta(minutes=1)
    )
    assert corrective_action_reminders_send() == 1
    assert corrective_action_reminders_send() == 0

    [message] = mail.outbox
    assert message.to == [owner.email]


@pytest.mark.django_db
def test_a_serious_case_alert_retried_after_a_refusal_reaches_only_the_one_refused(
    monkeypatch,
):
    department = DepartmentFactory()
    first = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="first")
    second = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="second")
    incident = IncidentFactory(department=department)
    real_mail_send = riskcabinet.mail.mail_send
    monkeypatch.setattr(
        riskcabinet.mail,
        "mail_send",
        lambda **email: (
            MailOutcome.REFUSED if email["to"] == second.email else real_mail_send(**email)
        ),
    )

    # The task retries on this error (autoretry_for OSError).
    with pytest.raises(smtplib.SMTPException, match=second.email):
        serious_case_notify(incident_id=incident.pk)
    monkeypatch.undo()
    assert serious_case_notify(incident_id=incident.pk) == 1
    assert serious_case_notify(incident_id=incident.pk) == 0

    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]
    assert incident.reference in mail.outbox[1].subject


@pytest.mark.django_db
def test_a_serious_case_alert_lost_with_its_worker_reaches_the_officer_on_a_retry(monkeypatch):
    """The worker was killed mid-send and the broker handed the task back at once: the alert's
    claim is still young, so the retries must wait for it to lapse, not run out before it does
    (the task's own backoff is seconds; the lease is 30 minutes; no later run sends it)."""
    import time_machine
    from celery.exceptions import Retry

    from incidents import tasks

    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="officer")
    incident = IncidentFactory(department=department)
    start = timezone.now()
    MailDelivery.objects.create(
        topic=f"serious:{incident.pk}", recipient=officer.email, claimed_at=start, attempts=1
    )
    countdowns: list[float] = []

    def retry(*, exc=None, countdown=None, **options):
        countdowns.append(countdown or 0)
        return Retry(exc=exc, when=countdown)

    task = tasks.serious_case_notify
    monkeypatch.setattr(task, "retry", retry)
    with time_machine.travel(start, tick=False) as traveller:
        for retries in range(1 + task.max_retries):
            task.push_request(retries=retries)
            try:
                task(incident.pk)
                break
            except Retry:
                traveller.shift(timedelta(seconds=countdowns[-1]))
            finally:
                task.pop_request()

    assert [m.to for m in mail.outbox] == [[officer.email]]


@pytest.mark.django_db
def test_an_action_handed_over_while_its_reminder_goes_is_news_to_its_new_owner(monkeypatch):
    from incidents.triage_services import (
        corrective_action_change,
        corrective_action_reminders_send,
    )

    old = UserFactory(username="old-owner", email="old@riskcabinet.example")
    new = UserFactory(username="new-owner", email="new@riskcabinet.example")
    today = timezone.localdate()
    action = CorrectiveActionFactory(owner=old, due_on=today - timedelta(days=2))
    real_mail_send = riskcabinet.mail.mail_send

    def handed_over_meanwhile(**email):
        if email["to"] == old.email:
            # While the old owner's reminder is on its way, an officer hands the action over.
            corrective_action_change(
                action=CorrectiveAction.objects.get(pk=action.pk), owner=new, due_on=action.due_on
            )
        return real_mail_send(**email)

    monkeypatch.setattr(riskcabinet.mail, "mail_send", handed_over_meanwhile)
    assert corrective_action_reminders_send() == 1
    monkeypatch.undo()

    # The next hour's run reminds the new owner of it.
    assert corrective_action_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [[old.email], [new.email]]
    assert CorrectiveAction.objects.get(pk=action.pk).last_reminded_on == today
