"""The packet counts investigations as the department pages do."""

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from incidents.models import Investigation, Status
from reports import selectors as packet
from reports.pdf.sample import sample_packet_data
from riskcabinet import selectors as cabinet
from tests.factories import DepartmentFactory, IncidentFactory, UserFactory

LA = ZoneInfo("America/Los_Angeles")
MONTH = date(2025, 6, 1)


@pytest.mark.django_db
def test_injuries_nobody_has_triaged_still_need_an_investigation():
    department = DepartmentFactory(code="SAN")
    for day in (3, 4, 5):
        IncidentFactory(
            department=department, status=Status.NEW, occurred_at=datetime(2025, 3, day, tzinfo=LA)
        )
    done = IncidentFactory(
        department=department, status=Status.CLOSED, occurred_at=datetime(2025, 3, 6, tzinfo=LA)
    )
    Investigation.objects.create(
        incident=done,
        root_cause="No lift gate",
        completed_by=UserFactory(),
        completed_at=datetime(2025, 3, 20, 9, tzinfo=LA),
    )

    profile = cabinet.department_profile(department=department, month=MONTH)
    frames = packet._frames(MONTH)
    summary, _ = packet._summary(frames, MONTH, packet._cutoff(MONTH), ())

    assert (profile.investigations_completed, profile.investigations_needed) == (1, 4)
    assert (summary.investigations_complete, summary.investigations_required) == (1, 4)


def test_one_investigation_missing_in_four_hundred_is_not_shown_as_all_done():
    summary = dataclasses.replace(
        sample_packet_data().summary, investigations_required=400, investigations_complete=399
    )
    assert summary.investigation_completeness_pct == 99.0
