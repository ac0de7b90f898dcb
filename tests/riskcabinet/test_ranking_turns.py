"""Two workers ranking the same month at once (the nightly run and a payroll import's refresh):
they take turns, and the stored ranking is the one that read the newer cases."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from incidents.models import IncidentType, Severity
from riskcabinet import selectors
from riskcabinet.models import DepartmentScore
from riskcabinet.services import department_scores_compute
from tests.factories import IncidentFactory
from tests.riskcabinet.cabinet_helpers import scored_city

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

OCTOBER = date(2026, 10, 1)


def _in_thread(target) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run():
        try:
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_ranking_that_read_older_cases_never_overwrites_a_newer_one(postgres_url, monkeypatch):
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    _, library, _ = scored_city()
    compute = selectors.scoring_result_compute
    first_read = threading.Event()
    first_may_write = threading.Event()
    calls = []

    def paused_compute(**kwargs):
        calls.append(kwargs)
        result = compute(**kwargs)
        if len(calls) == 1:  # The first worker has read the cases; it writes when let go.
            first_read.set()
            assert first_may_write.wait(timeout=60)
        return result

    before = {row["department"]: row for row in compute(month=OCTOBER).rows}["LAPL"][
        "recordable_cases"
    ]
    monkeypatch.setattr(selectors, "scoring_result_compute", paused_compute)
    first, first_errors = _in_thread(lambda: department_scores_compute(month=OCTOBER))
    assert first_read.wait(timeout=60)
    # A late report arrives, and the second worker ranks the month again for it.
    IncidentFactory(
        department=library,
        occurred_at=datetime(2026, 10, 20, 10, tzinfo=ZoneInfo("America/Los_Angeles")),
        severity=Severity.DAYS_AWAY,
        incident_type=IncidentType.INJURY_ILLNESS,
        days_away=3,
    )
    second, second_errors = _in_thread(lambda: department_scores_compute(month=OCTOBER))
    second.join(timeout=3)
    # It waits for its turn: ranking meanwhile would be overwritten by the first's older reading.
    assert second.is_alive()
    assert len(calls) == 1
    first_may_write.set()
    first.join(timeout=60)
    second.join(timeout=60)

    assert first_errors + second_errors == []
    assert len(calls) == 2
    stored = DepartmentScore.objects.get(month=OCTOBER, department=library)
    assert stored.recordable_cases == before + 1
