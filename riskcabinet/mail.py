"""Scheduled emails, one reader at a time: a refused address or a mail server that is down is
logged, not raised, so the readers after it still get theirs."""

import logging
import smtplib

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def mail_sent(*, subject: str, message: str, to: str, from_email: str | None = None) -> bool:
    """Send one email; False (and a log entry) when it could not be sent."""
    try:
        send_mail(subject=subject, message=message, from_email=from_email, recipient_list=[to])
    except (smtplib.SMTPException, OSError):
        logger.exception("The email %r to %s could not be sent", subject, to)
        return False
    return True
