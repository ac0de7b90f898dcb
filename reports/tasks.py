"""Celery tasks for briefing packets. Each takes plain values and calls one service.

Tasks are acknowledged late and rejected when a worker is lost (settings), so a worker killed in
the middle of a build hands the task back to the queue; the build itself is idempotent, so the
second delivery publishes the same packet once.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from reports import services
from reports.models import BriefingPacket
from reports.selectors import month_shift


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=3,
)
def packet_build_task(month_iso: str) -> int:
    """Build and publish the packet for the month starting on `month_iso` (YYYY-MM-DD).

    Last month's packet built here (its payroll hours came in after the 2nd, when the beat job
    could not build it) is emailed to the cabinet then, once, as the beat job would have.
    """
    month = date.fromisoformat(month_iso)
    packet = services.packet_build(month=month)
    if month == month_shift(timezone.localdate().replace(day=1), -1):
        services.packet_notify(month=month)
    return packet.pk


@shared_task(
    name="reports.tasks.packet_build_for_last_month",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=3,
)
def packet_build_for_last_month() -> int:
    """The beat job on the 2nd: build last month's packet, then email the cabinet a link once.

    "Last month" is counted in the city's time zone (TIME_ZONE, also Celery's), so the job that
    runs at 06:00 on the 2nd in Los Angeles builds the month that has just ended there.
    """
    last_month = month_shift(timezone.localdate().replace(day=1), -1)
    services.packet_build(month=last_month)
    return services.packet_notify(month=last_month)


@shared_task(name="reports.tasks.packet_notify_last_month", acks_late=True)
def packet_notify_last_month() -> int:
    """Beat, hourly on the 2nd to the 7th: email last month's published packet to the readers
    not told of it yet (the mail server was down when it was built, or they joined since).
    Each reader is told once."""
    last_month = month_shift(timezone.localdate().replace(day=1), -1)
    if not BriefingPacket.objects.filter(month=last_month).exists():
        return 0
    return services.packet_notify(month=last_month)
