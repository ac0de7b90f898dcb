"""On PostgreSQL a new case is numbered and stored with its history row in one statement, with
exactly the rows the step-by-step writes give."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from incidents.inserts import CaseInsert
from incidents.models import Incident, ReferenceSequence
from incidents.services import (
    format_reference,
    incident_create,
    reference_next,
    reference_prefix,
)
from riskcabinet.inserts import HistoryRowCopy, RowInsert
from tests.factories import DepartmentFactory, UserFactory
from tests.riskcabinet.test_inserts import OWN, new_case, stored

pytestmark = pytest.mark.postgresql

HistoricalIncident = Incident.history.model
insert_incident = RowInsert(Incident)
copy_history = HistoryRowCopy(HistoricalIncident)
insert_case = CaseInsert(insert_incident, copy_history)
YEAR = 2026


def counter(year: int = YEAR) -> int:
    return ReferenceSequence.objects.get(year=year).last_number


@pytest.fixture
def postgres():
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"


@pytest.mark.django_db
@pytest.mark.parametrize("with_user", [True, False], ids=["user", "nobody"])
def test_it_writes_the_rows_the_step_by_step_writes_give(postgres, with_user):
    department = DepartmentFactory()
    user = UserFactory() if with_user else None
    ReferenceSequence.objects.create(year=YEAR, last_number=41)
    by_steps = new_case(department, "")
    by_steps.reference = reference_next(year=YEAR)
    insert_incident(by_steps)
    copy_history(by_steps, user=user)

    case = new_case(department, "")
    assert insert_case(case, year=YEAR, prefix=reference_prefix(YEAR), user=user)
    assert (by_steps.reference, case.reference) == ("INC-2026-000042", "INC-2026-000043")
    assert counter() == 43
    assert not case._state.adding
    assert Incident.objects.get(pk=case.pk).reference == case.reference
    # The ranks are computed by the database and read back, as save() reads them.
    assert (case.severity_rank, case.status_rank) == (by_steps.severity_rank, 0)
    assert case.severity_rank is not None
    assert stored(Incident, case.pk) == stored(Incident, by_steps.pk)
    skip = OWN | {"history_id", "history_date"}
    expected, written = by_steps.history.get(), case.history.get()
    assert {k: v for k, v in stored(HistoricalIncident, written.pk).items() if k not in skip} == {
        k: v for k, v in stored(HistoricalIncident, expected.pk).items() if k not in skip
    }
    assert (written.id, written.reference, written.history_type) == (case.pk, case.reference, "+")
    assert written.history_user == user


@pytest.mark.django_db
def test_the_number_has_at_least_six_digits_as_format_reference_writes_it(postgres):
    department = DepartmentFactory()
    ReferenceSequence.objects.create(year=YEAR, last_number=999_998)
    references = []
    for _ in range(2):
        case = new_case(department, "")
        assert insert_case(case, year=YEAR, prefix=reference_prefix(YEAR), user=None)
        references.append(case.reference)
    assert references == [
        format_reference(year=YEAR, number=999_999),
        format_reference(year=YEAR, number=1_000_000),
    ]
    assert references == ["INC-2026-999999", "INC-2026-1000000"]


@pytest.mark.django_db
def test_it_refuses_another_model(postgres):
    with pytest.raises(TypeError, match="expected an Incident"):
        insert_case(DepartmentFactory.build(), year=YEAR, prefix="", user=None)


@pytest.mark.django_db
def test_without_the_years_counter_nothing_is_written(postgres):
    case = new_case(DepartmentFactory(), "")
    assert not insert_case(case, year=2031, prefix=reference_prefix(2031), user=None)
    assert case.pk is None
    assert not Incident.objects.exists()
    assert not HistoricalIncident.objects.exists()


@pytest.mark.django_db
def test_a_client_uuid_already_stored_is_refused_and_takes_no_number(postgres):
    department = DepartmentFactory()
    ReferenceSequence.objects.create(year=YEAR, last_number=7)
    first = new_case(department, "")
    assert insert_case(first, year=YEAR, prefix=reference_prefix(YEAR), user=None)
    again = new_case(department, "")
    again.client_uuid = first.client_uuid
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_case(again, year=YEAR, prefix=reference_prefix(YEAR), user=None)
    assert counter() == 8
    assert Incident.objects.count() == 1
    assert HistoricalIncident.objects.count() == 1


# Outside any transaction, as a web request runs: the one statement is the whole write.
@pytest.mark.django_db(transaction=True)
def test_a_report_outside_a_transaction_is_stored_once_and_numbered_in_a_new_year(postgres):
    assert not connection.in_atomic_block
    department = DepartmentFactory()
    reporter = UserFactory()
    client_uuid = uuid.uuid4()
    reported_at = datetime(2031, 1, 1, 0, 30, tzinfo=ZoneInfo("America/Los_Angeles"))

    def send():
        return incident_create(
            client_uuid=client_uuid,
            reporter=reporter,
            department=department,
            incident_type="near_miss",
            occurred_at=reported_at,
            reported_at=reported_at,
            location_text="Lopez Canyon yard, bay 3",
            narrative="A bin rolled off the lift and missed a co-worker.",
        )

    first, resend = send(), send()
    assert (first.created, resend.created) == (True, False)
    assert resend.incident.pk == first.incident.pk
    # The year's first report created its counter; the refused resend took no number.
    assert first.incident.reference == "INC-2031-000001"
    assert counter(2031) == 1
    assert Incident.objects.get().history.get().history_user == reporter
