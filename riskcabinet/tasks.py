"""Celery tasks for the cabinet. Each takes plain values and calls one service."""

from celery import shared_task

from riskcabinet.selectors import last_complete_month, month_parse
from riskcabinet.services import (
    department_scores_compute,
    department_scores_refresh_since,
    payroll_hours_reminders_send,
)


@shared_task(name="riskcabinet.tasks.department_scores_refresh_last_month", acks_late=True)
def department_scores_refresh_last_month() -> str:
    """Beat, on the 1st: rank the departments for the month that has just closed."""
    month = last_complete_month()
    department_scores_compute(month=month)
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
