"""Scheduled emails, one reader at a time: a refused address or a mail server that is down is
logged, not raised, so the readers after it still get theirs.

``mail_once`` tells each reader each piece of news once: the news (its topics) is claimed in a
short transaction of its own before the email goes and marked sent after, so no lock is held
while a mail server takes its time, two runs at once never both send it, and a claim left by a
worker lost mid-send is taken over by a later run once the lease has passed.
"""

import logging
import smtplib
import socket
from collections.abc import Callable, Iterable
from datetime import timedelta
from enum import StrEnum

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A claim younger than this is another run's email on its way (EMAIL_TIMEOUT bounds each step of
# sending one); an older one was left by a lost worker.
MAIL_CLAIM_LEASE = timedelta(minutes=30)
# A reader whose address has been refused this many times for the same news is not tried again.
MAIL_ATTEMPTS = 6
# How long the record of who was sent what is kept (the admin's "Mail deliveries"): a year of
# packets, and long after any news could be sent again (a reminder's news is its day's).
MAIL_DELIVERIES_KEPT = timedelta(days=400)
# Failures that say nothing of the address: the mail server could not be reached, or hung up.
# They do not count as refusals, so news due while the server is down for hours still goes.
MAIL_SERVER_UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)


class MailOutcome(StrEnum):
    SENT = "sent"
    REFUSED = "refused"  # The server answered, and would not take it (for this address).
    UNREACHABLE = "unreachable"  # The server could not be reached, or hung up.


def mail_send(*, subject: str, message: str, to: str, from_email: str | None = None) -> MailOutcome:
    """Send one email; what came of it (a failure is logged, not raised)."""
    try:
        send_mail(subject=subject, message=message, from_email=from_email, recipient_list=[to])
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("The email %r to %s could not be sent", subject, to)
        if isinstance(error, MAIL_SERVER_UNREACHABLE):
            return MailOutcome.UNREACHABLE
        return MailOutcome.REFUSED
    return MailOutcome.SENT


def mail_sent(*, subject: str, message: str, to: str, from_email: str | None = None) -> bool:
    """Send one email; False (and a log entry) when it could not be sent."""
    outcome = mail_send(subject=subject, message=message, to=to, from_email=from_email)
    return outcome is MailOutcome.SENT


def mail_once(
    *,
    to: str,
    topics: Iterable[str],
    compose: Callable[[list[str]], tuple[str, str]],
    from_email: str | None = None,
) -> list[str]:
    """Send `to` one email of those `topics` they have not been sent yet; return the topics it
    told of ([] when none was left to tell, or the email was refused).

    ``compose`` gets the topics claimed (in the order given) and returns the subject and the
    message. A refused email leaves its topics for the next run; after ``MAIL_ATTEMPTS``
    refusals they are not tried again. A mail server that could not be reached refuses nobody:
    that try does not count.
    """
    claimed, stamp = _mail_claim(to, list(dict.fromkeys(topics)))
    if not claimed:
        return []
    outcome = MailOutcome.REFUSED
    try:
        subject, message = compose(claimed)
        outcome = mail_send(subject=subject, message=message, to=to, from_email=from_email)
    finally:
        rows = _mail_rows(to, claimed).filter(claimed_at=stamp)
        if outcome is MailOutcome.SENT:
            rows.update(sent_at=timezone.now())
        elif outcome is MailOutcome.UNREACHABLE:
            # The server was not reached: no refusal of the address, so no attempt spent.
            rows.update(claimed_at=None, attempts=F("attempts") - 1)
        else:
            rows.update(claimed_at=None)
    return claimed if outcome is MailOutcome.SENT else []


def _mail_rows(to: str, topics: list[str]):
    from riskcabinet.models import MailDelivery

    return MailDelivery.objects.filter(recipient=to, topic__in=topics)


@transaction.atomic
def _mail_claim(to: str, topics: list[str]):
    """Claim for `to` those of `topics` that are neither sent nor claimed by a live run."""
    from riskcabinet.models import MailDelivery

    now = timezone.now()
    MailDelivery.objects.bulk_create(
        [MailDelivery(topic=topic, recipient=to) for topic in topics], ignore_conflicts=True
    )
    free = (
        _mail_rows(to, topics)
        .select_for_update()
        .filter(sent_at__isnull=True, attempts__lt=MAIL_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - MAIL_CLAIM_LEASE))
    )
    free_topics = set(free.values_list("topic", flat=True))
    _mail_rows(to, list(free_topics)).update(claimed_at=now, attempts=F("attempts") + 1)
    return [topic for topic in topics if topic in free_topics], now


def mail_deliveries_prune(*, now=None) -> int:
    """Forget the deliveries of news older than ``MAIL_DELIVERIES_KEPT``; returns how many (the
    action reminders alone add one a day for each action overdue)."""
    from riskcabinet.models import MailDelivery

    cutoff = (now or timezone.now()) - MAIL_DELIVERIES_KEPT
    deleted, _ = MailDelivery.objects.filter(created_at__lt=cutoff).delete()
    return deleted
