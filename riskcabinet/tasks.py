"""Celery tasks for the cabinet. Each takes plain values and calls one service."""

import logging

from celery import shared_task

from riskcabinet import mail
from riskcabinet.selectors import ScoringUnavailable, last_complete_month, month_parse
from riskcabinet.services import (
    department_scores_compute,
    department_scores_refresh_since,
    payroll_hours_reminders_send,
)

logger = logging.getLogger(__name__)


@shared_task(name="riskcabinet.tasks.department_scores_refresh_last_month", acks_late=True)
def department_scores_refresh_last_month() -> str:
    """Beat, every night: rank the departments for the month that has closed, again, so that
    reports filed late and cases classified since reach the dashboard by morning. Until
    payroll's hours for the month are in (the first days of a month), it says why it could not.
    """
    month = last_complete_month()
    try:
        department_scores_compute(month=month)
    except ScoringUnavailable as error:
        logger.info("No ranking for %s yet: %s", f"{month:%Y-%m}", error)
        return f"{month:%Y-%m} not ranked: {error}"
    return f"{month:%Y-%m}"


@shared_task(name="riskcabinet.tasks.department_scores_refresh", acks_late=True)
def department_scores_refresh(month: str) -> str:
    """On demand (the dashboard's recompute button): rank the departments for `month`."""
    as_of = month_parse(month)
    department_scores_compute(month=as_of)
    return f"{as_of:%Y-%m}"


@shared_task(name="riskcabinet.tasks.department_scores_refresh_since", acks_late=True)
def department_scores_refresh_since_task(month: str) -> list[str]:
    """After payroll hours for `month` changed: rank every stored month from then on again."""
    done = department_scores_refresh_since(month=month_parse(month))
    return [f"{item:%Y-%m}" for item in done]


@shared_task(name="riskcabinet.tasks.payroll_hours_reminders_send")
def payroll_hours_reminders_send_task() -> int:
    """Beat, each morning of the month's first days: remind risk managers of missing hours."""
    return payroll_hours_reminders_send()


@shared_task(name="riskcabinet.tasks.mail_deliveries_prune", acks_late=True)
def mail_deliveries_prune() -> int:
    """Beat, every night: forget who was sent which scheduled email, after a year."""
    return mail.mail_deliveries_prune()
