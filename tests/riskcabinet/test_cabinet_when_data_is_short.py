"""The cabinet's pages when the data fall short: a stored ranking whose month can no longer be
recomputed, a month nobody is ranked for, payroll rows of 0 hours in a month with cases, and a
month far in the future before any payroll."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from incidents.models import Severity
from riskcabinet import selectors
from riskcabinet.models import DepartmentScore, ExposureMonth
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role
from tests.riskcabinet.cabinet_helpers import scored_city

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def mid_november():
    with time_machine.travel("2026-11-15 10:00 -08:00", tick=False):
        yield


def _summary_card(html: str, label: str) -> str:
    """The figure printed in the dashboard card whose label starts with `label`."""
    head = html.split(label)[0]
    return head.rsplit('figure-card__value">', 1)[1].split("<", 1)[0]


def test_stored_funnel_positions_survive_when_the_month_can_no_longer_be_recomputed(client):
    """The October ranking is stored (Street Services above the 99.8% limit). The chart cache
    expires (a day later) and meanwhile a new department has a case but no payroll yet, so the
    engine cannot re-run October. The stored ranking is still shown, but every department is
    now read as 'within the limits'."""
    scored_city()
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    client.get(reverse("cabinet:dashboard"), {"month": "2026-10"})  # stores October
    assert DepartmentScore.objects.get(month=OCTOBER, department__code="BSS").funnel_position == (
        "above 99.8%"
    )
    new = DepartmentFactory(code="NEW", name="New Department")
    IncidentFactory(department=new, occurred_at=datetime(2026, 10, 5, 10, tzinfo=LA))
    cache.clear()  # the day's chart cache has expired

    dashboard = client.get(reverse("cabinet:dashboard"), {"month": "2026-10"}).content.decode()
    page = client.get(
        reverse("cabinet:department", args=["BSS"]), {"month": "2026-10"}
    ).content.decode()

    assert "Harm rate above the funnel" in page  # the stored reasons still say so ...
    assert _summary_card(dashboard, "above the funnel's outer limit") == "1"  # observed: 0
    assert "it sits above the 99.8% limit" in page  # observed: "it sits within the limits"


def test_a_department_with_hours_is_not_told_it_has_none_when_the_month_is_unranked(client):
    """When the month cannot be ranked at all, every department page says the department has
    'no payroll hours in the window', even one with hours for every month."""
    scored_city()
    new = DepartmentFactory(code="NEW", name="New Department")
    IncidentFactory(department=new, occurred_at=datetime(2026, 10, 5, 10, tzinfo=LA))
    assert (
        ExposureMonth.objects.filter(department__code="BSS", month__gte=date(2025, 11, 1)).count()
        == 12
    )
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    page = client.get(
        reverse("cabinet:department", args=["BSS"]), {"month": "2026-10"}
    ).content.decode()

    assert "no payroll hours in the window" not in page


def test_a_case_in_a_department_with_zero_hours_is_not_silently_dropped():
    """Payroll sent 0 hours for the Clerk for the whole window, yet it had a days-away case in
    October. A missing payroll row with cases stops the ranking (and the hours page flags it);
    a 0-hour row does neither: the Clerk and its case vanish from the ranking and the city TRIR."""
    _, _, clerk = scored_city()
    ExposureMonth.objects.filter(department=clerk, month__gte=date(2025, 11, 1)).update(
        hours_worked=0
    )
    IncidentFactory(
        department=clerk,
        occurred_at=datetime(2026, 10, 5, 10, tzinfo=LA),
        severity=Severity.DAYS_AWAY,
        days_away=2,
        recordable=True,
    )

    october = next(c for c in selectors.exposure_coverage(through=OCTOBER, months=1))
    with pytest.raises(selectors.ScoringUnavailable, match="0 payroll hours: CLK in 2026-10"):
        selectors.scoring_result_compute(month=OCTOBER)
    # The month is held back, as for a missing row, and the hours page says why.
    assert [gap.department.code for gap in october.blocking] == ["CLK"]


def test_one_month_of_zero_hours_with_cases_holds_the_month_back_as_the_hours_page_says():
    """Hours in every other month of the window do not make up for the month whose cases have
    no hours to be read against: the hours page calls it a gap, and so does the ranking."""
    _, _, clerk = scored_city()
    ExposureMonth.objects.filter(department=clerk, month=OCTOBER).update(hours_worked=0)
    IncidentFactory(department=clerk, occurred_at=datetime(2026, 10, 5, 10, tzinfo=LA))

    october = next(c for c in selectors.exposure_coverage(through=OCTOBER, months=1))
    assert [gap.department.code for gap in october.blocking] == ["CLK"]
    with pytest.raises(selectors.ScoringUnavailable, match="0 payroll hours: CLK in 2026-10"):
        selectors.scoring_result_compute(month=OCTOBER)
    # A closed season (0 hours and no cases) is no gap.
    ExposureMonth.objects.filter(department=clerk, month=date(2026, 9, 1)).update(hours_worked=0)
    september = next(c for c in selectors.exposure_coverage(through=date(2026, 9, 1), months=1))
    assert september.blocking == []


def test_a_far_future_month_is_not_a_server_error_before_any_payroll_import(client):
    client.raise_request_exception = False
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    DepartmentFactory(code="LAPD", name="Police")

    for month in ("9999-12", "0001-01"):
        dashboard = client.get(reverse("cabinet:dashboard"), {"month": month})
        page = client.get(reverse("cabinet:department", args=["LAPD"]), {"month": month})

        assert (dashboard.status_code, page.status_code) == (200, 200)
        assert "; showing " in dashboard.content.decode()
