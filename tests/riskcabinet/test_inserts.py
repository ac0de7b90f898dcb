"""The intake's compiled INSERTs write exactly what save() and django-simple-history would."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from incidents.models import ComplianceClock, Incident, Severity, Status
from riskcabinet.inserts import HistoryRowCopy, RowInsert
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

HistoricalIncident = Incident.history.model
insert_incident = RowInsert(Incident)
copy_history = HistoryRowCopy(HistoricalIncident)
# Columns that differ between two cases by design.
OWN = {"id", "reference", "client_uuid"}
# The case's columns a history row copies.
CASE = {f.attname for f in Incident._meta.concrete_fields} & {
    f.attname for f in HistoricalIncident._meta.concrete_fields
}


NOW = timezone.now().replace(microsecond=0)


def new_case(department, reference: str) -> Incident:
    now = NOW
    return Incident(
        reference=reference,
        client_uuid=uuid.uuid4(),
        department=department,
        incident_type="injury_illness",
        occurred_at=now - timedelta(hours=1),
        reported_at=now,
        learned_at=now,
        location_text="Lopez Canyon yard, bay 3",
        latitude=Decimal("34.287101"),
        longitude=Decimal("-118.421130"),
        narrative="Lifting a bin onto the truck, felt a pain in the lower back.",
        body_part="Lower back",
        injury_kind="Strain",
        treatment="first_aid",
        severity=Severity.HOSPITALIZATION,
        status=Status.NEW,
        state_reportable=True,
        recordability_answers={"treatment": "first_aid"},
    )


def stored(model, pk) -> dict:
    row = model.objects.values().get(pk=pk)
    return {name: value for name, value in row.items() if name not in OWN}


def test_it_stores_the_same_row_as_save_and_reads_back_the_generated_columns():
    department = DepartmentFactory()
    by_orm = new_case(department, "INC-2026-000001")
    by_orm.save(force_insert=True)
    compiled = insert_incident(new_case(department, "INC-2026-000002"))
    assert compiled.pk is not None
    assert compiled.pk != by_orm.pk
    assert not compiled._state.adding
    # The ranks are computed by the database and returned by the INSERT.
    assert (compiled.severity_rank, compiled.status_rank) == (by_orm.severity_rank, 0)
    assert stored(Incident, compiled.pk) == stored(Incident, by_orm.pk)
    assert Incident.objects.get(pk=compiled.pk).severity_rank == compiled.severity_rank


@pytest.mark.parametrize("with_user", [True, False], ids=["user", "nobody"])
def test_it_writes_the_history_row_django_simple_history_writes(with_user):
    department = DepartmentFactory()
    user = UserFactory() if with_user else None
    by_orm = new_case(department, "INC-2026-000001")
    by_orm._history_user = user
    by_orm.save(force_insert=True)
    copied = insert_incident(new_case(department, "INC-2026-000002"))
    copy_history(copied, user=user)

    expected, written = by_orm.history.get(), copied.history.get()
    skip = OWN | {"history_id", "history_date"}
    assert {k: v for k, v in stored(HistoricalIncident, expected.pk).items() if k not in skip} == {
        k: v for k, v in stored(HistoricalIncident, written.pk).items() if k not in skip
    }
    # Every tracked value is the case's own: nothing was left out of the copy.
    case = stored(Incident, copied.pk)
    row = stored(HistoricalIncident, written.pk)
    assert {name: row[name] for name in case if name in row} == {
        name: value for name, value in case.items() if name in row
    }
    assert (written.history_type, written.history_user, written.id) == ("+", user, copied.pk)
    assert written.history_change_reason is None
    assert abs(written.history_date - timezone.now()) < timedelta(minutes=1)


def test_the_history_row_takes_the_change_reason_and_date_set_on_the_case():
    case = new_case(DepartmentFactory(), "INC-2026-000006")
    insert_incident(case)
    case._change_reason = "Imported from the claims file"
    case._history_date = NOW - timedelta(days=2)
    copy_history(case, user=None)
    row = case.history.get()
    assert (row.history_change_reason, row.history_date) == (
        "Imported from the claims file",
        NOW - timedelta(days=2),
    )


def test_a_history_row_of_a_case_not_stored_is_refused():
    case = new_case(DepartmentFactory(), "INC-2026-000007")
    case.pk = 987654321
    with pytest.raises(RuntimeError, match="not stored"):
        copy_history(case, user=None)
    with pytest.raises(TypeError, match="expected a Incident"):
        copy_history(DepartmentFactory.build(), user=None)
    assert not HistoricalIncident.objects.exists()


def test_an_intake_insert_skips_no_signal_receiver_but_simple_historys():
    # The intake writes cases with RowInsert, which sends no signals: a receiver added to the
    # case or its history would silently miss every report. Extend the intake if this fails.
    assert not pre_save.has_listeners(Incident)
    assert not pre_save.has_listeners(HistoricalIncident)
    assert not post_save.has_listeners(HistoricalIncident)
    receivers, async_receivers = post_save._live_receivers(Incident)
    assert not async_receivers
    assert [r.__self__.__class__.__name__ for r in receivers] == ["HistoricalRecords"]


def test_it_refuses_another_model_and_expressions():
    with pytest.raises(TypeError, match="expected a Incident"):
        insert_incident(DepartmentFactory.build())
    case = new_case(DepartmentFactory(), "INC-2026-000003")
    case.narrative = F("location_text")
    with pytest.raises(TypeError, match="narrative: expressions are not supported"):
        insert_incident(case)
    assert not Incident.objects.exists()


def test_it_copies_many_rows_at_once_in_statements_of_500_keys():
    department = DepartmentFactory()
    cases = Incident.objects.bulk_create(
        [new_case(department, f"INC-2026-{n:06d}") for n in range(1, 503)]
    )
    user = UserFactory()
    written = copy_history.copy_rows(
        [case.pk for case in cases[1:]], user=user, change_reason="Imported from cases.csv"
    )
    assert written == 501
    assert not cases[0].history.exists()
    rows = HistoricalIncident.objects.order_by("history_id")
    assert sorted(row.id for row in rows) == sorted(case.pk for case in cases[1:])
    assert {(r.history_type, r.history_user_id, r.history_change_reason) for r in rows} == {
        ("+", user.pk, "Imported from cases.csv")
    }
    assert len({row.history_date for row in rows}) == 1  # One import, one time.
    last = cases[-1]
    copied = rows.get(id=last.pk)
    assert copied.reference == last.reference
    assert {k: v for k, v in stored(HistoricalIncident, copied.pk).items() if k in CASE} == {
        k: v for k, v in stored(Incident, last.pk).items() if k in CASE
    }


def test_it_copies_every_row_dated_and_signed_by_the_rows_own_columns():
    department = DepartmentFactory()
    reporter = UserFactory()
    cases = [new_case(department, f"INC-2026-{n:06d}") for n in range(1, 4)]
    for days, case in enumerate(cases):
        case.reported_at = NOW - timedelta(days=days)
    cases[0].reporter = reporter
    Incident.objects.bulk_create(cases)

    written = copy_history.copy_all(date_from="reported_at", user_from="reporter")

    assert written == 3
    for case in cases:
        row = case.history.get()
        assert (row.history_type, row.history_change_reason) == ("+", None)
        assert row.history_date == case.reported_at
        assert row.history_user_id == case.reporter_id  # Nobody for the cases without one.
        assert {k: v for k, v in stored(HistoricalIncident, row.pk).items() if k in CASE} == {
            k: v for k, v in stored(Incident, case.pk).items() if k in CASE
        }
    clocks_written = HistoryRowCopy(ComplianceClock.history.model).copy_all(date_from="started_at")
    assert clocks_written == 0
