"""Run the beat schedule over a stretch of local time, as Celery beat would."""

from datetime import datetime, timedelta

import time_machine
from django.conf import settings


def _fires_at(schedule, moment: datetime) -> bool:
    return (
        moment.minute in schedule.minute
        and moment.hour in schedule.hour
        and moment.day in schedule.day_of_month
        and moment.month in schedule.month_of_year
        and (moment.isoweekday() % 7) in schedule.day_of_week
    )


def run_beat_between(start: datetime, end: datetime) -> None:
    """Run every beat job at each local minute it fires at, from `start` up to `end`."""
    import incidents.tasks  # noqa: F401  (registers the beat jobs' tasks)
    import reports.tasks  # noqa: F401
    import riskcabinet.tasks  # noqa: F401
    from riskcabinet.celery import app

    moment = start
    while moment < end:
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            if _fires_at(entry["schedule"], moment):
                with time_machine.travel(moment, tick=False):
                    app.tasks[entry["task"]].apply()
        moment += timedelta(minutes=1)
