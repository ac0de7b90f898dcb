"""Celery tasks of the triage workspace. Found by autodiscovery through incidents/tasks.py."""

from celery import shared_task

from incidents import coder_learning, triage_services


@shared_task(name="incidents.tasks.corrective_action_reminders_send", acks_late=True)
def corrective_action_reminders_send() -> int:
    """Beat, 07:00 and hourly until 10:00: email owners their overdue and due-soon corrective
    actions (each action once a day)."""
    return triage_services.corrective_action_reminders_send()


@shared_task(name="incidents.tasks.compliance_clock_warnings_send", acks_late=True)
def compliance_clock_warnings_send() -> int:
    """Hourly (beat): warn officers once of each compliance deadline near or past."""
    return triage_services.compliance_clock_warnings_send()


@shared_task(name="incidents.tasks.coder_learn_from_corrections", acks_late=True)
def coder_learn_from_corrections() -> int:
    """Weekly (beat, Sunday 04:00): train the narrative coder again on the officers' code
    choices when they have changed; the number of corrections learnt (0: nothing changed)."""
    metadata = coder_learning.coder_learn_from_corrections()
    return 0 if metadata is None else metadata["corrections"]
