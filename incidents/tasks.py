"""Celery tasks for incidents. Each takes ids, calls one service, and is queued on commit."""

from celery import shared_task

from incidents import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def serious_case_notify(self, incident_id: int) -> int:
    """Tell the department's safety officers of a death or serious injury, with the deadline."""
    try:
        return services.serious_case_notify(incident_id=incident_id)
    except services.SeriousAlertPending as pending:
        # A claim left by a worker lost mid-send lapses after minutes, long after the backoff's
        # retries (seconds) would have run out: look again once it has lapsed.
        raise self.retry(exc=pending, countdown=pending.retry_after) from pending


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def case_assigned_notify(incident_id: int, by_id: int | None = None) -> bool:
    """Tell a case's new assignee that the case is theirs."""
    from incidents import triage_services

    return triage_services.case_assigned_notify(incident_id=incident_id, by_id=by_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def report_closed_notify(incident_id: int) -> bool:
    """Tell the employee who filed a report that it is closed, and what was done about it."""
    from incidents import triage_services

    return triage_services.report_closed_notify(incident_id=incident_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def action_done_notify(action_id: int) -> bool:
    """Tell a case's officer that the owner of one of its corrective actions has done it."""
    from incidents import triage_services

    return triage_services.action_done_notify(action_id=action_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def action_assigned_notify(action_id: int) -> bool:
    """Tell the owner of a corrective action that it is theirs."""
    from incidents import triage_services

    return triage_services.action_assigned_notify(action_id=action_id)


from incidents.triage_tasks import (  # noqa: E402, F401
    coder_learn_from_corrections,
    compliance_clock_warnings_send,
    corrective_action_reminders_send,
)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def cases_assigned_notify(incident_ids: list[int], by_id: int | None = None) -> bool:
    """Tell the assignee of several cases assigned at once, in one email."""
    from incidents import triage_services

    return triage_services.cases_assigned_notify(incident_ids=incident_ids, by_id=by_id)
