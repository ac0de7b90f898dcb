"""Deployment checks (``manage.py check --deploy``) for settings that start fine but leave a
part of the product quietly weaker in production."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(deploy=True)
def anonymous_limit_shared(app_configs=None, **kwargs) -> list[checks.Warning]:
    """The anonymous form's limit is only a limit if every web process counts in one place."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.ANONYMOUS_REPORTS_PER_HOUR and backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                "The anonymous form's limit is counted in each web process's own memory, so "
                "with several processes one address can send that many reports to each.",
                hint="Set CACHE_URL to a cache the web processes share, e.g. redis://redis:6379/1.",
                id="riskcabinet.W001",
            )
        ]
    return []


@checks.register(deploy=True)
def task_queue_configured(app_configs=None, **kwargs) -> list[checks.Warning]:
    """Without a broker, tasks run inside web requests and nothing runs on a schedule."""
    if not settings.CELERY_BROKER_URL:
        return [
            checks.Warning(
                "No task queue: packets, scores and emails are built inside web requests, and "
                "the monthly packet, deadline warnings and reminders never run on their own.",
                hint="Set CELERY_BROKER_URL, e.g. redis://redis:6379/0, and start the Celery "
                "worker and beat.",
                id="riskcabinet.W002",
            )
        ]
    return []
