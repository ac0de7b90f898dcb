"""mail_once: each reader hears each piece of news once, neither twice when runs overlap nor
never when a worker is lost mid-send."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

import riskcabinet.mail
from riskcabinet.mail import MAIL_ATTEMPTS, MAIL_CLAIM_LEASE, MailOutcome, mail_once
from riskcabinet.models import MailDelivery

pytestmark = pytest.mark.django_db

TO = "officer@riskcabinet.example"


def _send(topics, to=TO):
    return mail_once(to=to, topics=topics, compose=lambda claimed: ("News", "\n".join(claimed)))


def test_each_topic_is_told_once_and_new_ones_come_alone():
    assert _send(["clock:1", "clock:2"]) == ["clock:1", "clock:2"]
    assert _send(["clock:1", "clock:2"]) == []
    assert _send(["clock:2", "clock:3"]) == ["clock:3"]
    # Another reader is told of the same news.
    assert _send(["clock:1"], to="manager@riskcabinet.example") == ["clock:1"]

    assert [m.body for m in mail.outbox] == ["clock:1\nclock:2", "clock:3", "clock:1"]
    assert MailDelivery.objects.filter(sent_at__isnull=True).count() == 0


def test_news_another_run_is_sending_is_left_to_it():
    MailDelivery.objects.create(
        topic="clock:1", recipient=TO, claimed_at=timezone.now() - timedelta(minutes=2)
    )

    assert _send(["clock:1", "clock:2"]) == ["clock:2"]
    assert [m.body for m in mail.outbox] == ["clock:2"]


def test_news_claimed_by_a_worker_that_was_lost_is_sent_by_the_next_run():
    MailDelivery.objects.create(
        topic="clock:1",
        recipient=TO,
        claimed_at=timezone.now() - MAIL_CLAIM_LEASE - timedelta(minutes=1),
        attempts=1,
    )

    assert _send(["clock:1"]) == ["clock:1"]
    delivery = MailDelivery.objects.get(topic="clock:1")
    assert delivery.sent_at is not None
    assert delivery.attempts == 2


def test_a_refused_email_is_left_for_the_next_run_until_the_attempts_run_out(monkeypatch):
    monkeypatch.setattr(riskcabinet.mail, "mail_send", lambda **email: MailOutcome.REFUSED)
    for _ in range(MAIL_ATTEMPTS):
        assert _send(["packet:2026-10"]) == []
    delivery = MailDelivery.objects.get()
    assert (delivery.claimed_at, delivery.sent_at, delivery.attempts) == (None, None, 6)
    monkeypatch.undo()

    # The address has been refused six times: it is not tried again.
    assert _send(["packet:2026-10"]) == []
    assert mail.outbox == []


def test_an_error_while_writing_the_email_leaves_the_news_for_the_next_run():
    def broken(claimed):
        raise RuntimeError("the template is missing")

    with pytest.raises(RuntimeError):
        mail_once(to=TO, topics=["clock:1"], compose=broken)

    assert MailDelivery.objects.get().claimed_at is None
    assert _send(["clock:1"]) == ["clock:1"]


def test_deliveries_are_forgotten_after_a_year_by_the_nightly_job():
    from django.conf import settings

    from riskcabinet.tasks import mail_deliveries_prune

    _send(["packet:2025-09"])
    _send(["packet:2026-10"])
    old = timezone.now() - timedelta(days=401)
    MailDelivery.objects.filter(topic="packet:2025-09").update(created_at=old, claimed_at=old)

    assert mail_deliveries_prune.apply().get() == 1
    assert list(MailDelivery.objects.values_list("topic", flat=True)) == ["packet:2026-10"]
    assert any(
        entry["task"] == "riskcabinet.tasks.mail_deliveries_prune"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
