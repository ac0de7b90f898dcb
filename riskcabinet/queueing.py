"""Queue Celery tasks from a request so that a broken queue never breaks the request.

A task is queued once the transaction that saved its rows commits. By then the request has done
its work (the report is saved, the case assigned), so a queue that cannot be reached must not
turn the answer into an error, nor leave the work undone:

- the broker's sockets have timeouts (settings: ``CELERY_BROKER_TRANSPORT_OPTIONS``) and
  publishing is retried once, so a Redis that does not answer costs seconds, not a hung worker;
- when publishing fails, the failure is logged and the caller's ``fallback`` runs here, in the
  request: the officers' email is sent from this process, a packet is marked failed with a
  reason, and so on;
- the callback is registered as robust: if even the fallback fails (the mail server is down as
  well), that is logged and the request still answers.

Without a broker (development and tests) Celery runs the task in this process as it is queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def task_queue_on_commit(
    task: Task, *args, fallback: Callable[[], object] | None = None, using: str | None = None
) -> None:
    """Queue ``task(*args)`` once the current transaction commits (now, outside one).

    If the broker cannot be reached, ``fallback`` (when given) is called instead.
    """

    def publish() -> None:
        try:
            task.delay(*args)
        except OperationalError:
            logger.exception(
                "Could not queue %s%r: the task queue is unreachable; %s",
                task.name,
                args,
                "doing the work here instead" if fallback is not None else "it is not run",
            )
            if fallback is not None:
                fallback()

    transaction.on_commit(publish, using=using, robust=True)
