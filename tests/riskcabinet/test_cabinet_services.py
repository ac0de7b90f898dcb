"""department_scores_compute: the engine's ranking for a month, kept in DepartmentScore."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from riskcabinet import selectors
from riskcabinet.models import DepartmentScore, ExposureMonth
from riskcabinet.selectors import ScoringUnavailable
from riskcabinet.services import department_scores_compute
from riskcabinet.tasks import department_scores_refresh, department_scores_refresh_last_month
from tests.factories import IncidentFactory
from tests.riskcabinet.cabinet_helpers import scored_city

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def city():
    return scored_city()


def test_it_ranks_every_department_with_hours_and_stores_the_ranking(city):
    streets, library, clerk = city

    scores = department_scores_compute(month=OCTOBER)

    stored = list(DepartmentScore.objects.filter(month=OCTOBER).order_by("rank"))
    assert [s.rank for s in stored] == [1, 2, 3]
    assert stored[0].department == streets
    assert {s.department for s in stored} == {streets, library, clerk}
    assert [s.pk for s in scores] == [s.pk for s in stored]


def test_it_stores_rates_hours_and_reasons_a_reader_can_check(city):
    streets, _, _ = city

    department_scores_compute(month=OCTOBER)

    score = DepartmentScore.objects.get(month=OCTOBER, department=streets)
    assert score.hours_worked == 12 * 160_000
    assert score.recordable_cases == 48
    assert score.trir == pytest.approx(48 * 200_000 / (12 * 160_000))
    assert score.reasons
    assert all(isinstance(reason, str) for reason in score.reasons)


def test_it_is_idempotent(city):
    department_scores_compute(month=OCTOBER)
    first = list(DepartmentScore.objects.values_list("pk", "department_id", "rank", "score"))

    department_scores_compute(month=OCTOBER)

    again = list(DepartmentScore.objects.values_list("pk", "department_id", "rank", "score"))
    assert again == first


def test_it_keeps_each_month_apart(city):
    department_scores_compute(month=date(2026, 9, 1))
    department_scores_compute(month=OCTOBER)

    assert DepartmentScore.objects.filter(month=date(2026, 9, 1)).count() == 3
    assert DepartmentScore.objects.filter(month=OCTOBER).count() == 3


def test_it_refuses_a_month_without_payroll_hours(city):
    with pytest.raises(ScoringUnavailable):
        department_scores_compute(month=date(2027, 6, 1))
    assert not DepartmentScore.objects.exists()


def test_a_case_from_before_the_payroll_history_does_not_stop_the_ranking(city):
    streets, _, _ = city
    before = department_scores_compute(month=OCTOBER)
    # Imported from the old system, years before the first payroll month on file.
    IncidentFactory(department=streets, occurred_at=datetime(2019, 3, 4, 9, tzinfo=ZoneInfo("UTC")))

    after = department_scores_compute(month=OCTOBER)

    assert [(s.department_id, s.rank, s.score) for s in after] == [
        (s.department_id, s.rank, s.score) for s in before
    ]


def test_a_month_missing_inside_the_payroll_history_still_stops_the_ranking(city):
    streets, _, _ = city
    ExposureMonth.objects.filter(department=streets, month=date(2026, 6, 1)).delete()

    with pytest.raises(ScoringUnavailable, match="2026-06"):
        department_scores_compute(month=OCTOBER)


def test_it_keeps_the_chart_series_for_the_departments(city):
    streets, _, _ = city
    department_scores_compute(month=OCTOBER)

    series = selectors.scoring_series_for(month=OCTOBER)

    assert len(series[streets.code]) >= 12
    assert {"month", "rate", "centre", "upper", "lower", "signal"} <= set(series[streets.code][-1])


def test_it_ranks_the_month_just_closed_on_the_first(city):
    with time_machine.travel("2026-11-01 03:00 -08:00", tick=False):
        assert department_scores_refresh_last_month.delay().get() == "2026-10"

    assert DepartmentScore.objects.filter(month=OCTOBER).count() == 3


def test_it_ranks_the_month_just_closed_again_each_night_with_late_reports(city):
    streets, _, _ = city
    with time_machine.travel("2026-11-01 03:00 -08:00", tick=False):
        department_scores_refresh_last_month.delay().get()
    before = DepartmentScore.objects.get(month=OCTOBER, department=streets).recordable_cases
    IncidentFactory(
        department=streets,
        occurred_at=datetime(2026, 10, 30, 9, tzinfo=ZoneInfo("America/Los_Angeles")),
        recordable=True,
    )

    with time_machine.travel("2026-11-02 03:00 -08:00", tick=False):
        department_scores_refresh_last_month.delay().get()

    after = DepartmentScore.objects.get(month=OCTOBER, department=streets).recordable_cases
    assert after == before + 1


def test_the_nightly_ranking_waits_quietly_for_the_months_payroll_hours(city):
    with time_machine.travel("2026-12-01 03:00 -08:00", tick=False):
        done = department_scores_refresh_last_month.delay().get()

    assert done.startswith("2026-11 not ranked: ")
    assert not DepartmentScore.objects.filter(month=date(2026, 11, 1)).exists()


def test_the_ranking_runs_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-risk-scores"]

    assert entry["task"] == "riskcabinet.tasks.department_scores_refresh_last_month"
    assert entry["schedule"].day_of_month == set(range(1, 32))
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {0})


def test_it_ranks_a_month_on_demand(city):
    assert department_scores_refresh.delay("2026-09").get() == "2026-09"

    assert DepartmentScore.objects.filter(month=date(2026, 9, 1)).count() == 3


def test_the_web_apps_copies_of_the_engines_columns_and_rate_base_match():
    # The web app keeps its own copies so that loading a page never imports scikit-learn; they
    # must not drift from the engine's.
    from riskcabinet import selectors
    from riskcabinet.scoring import settings as scoring_settings
    from riskcabinet.scoring import validation

    # The incident frame carries one column more, for the packet's leading causes.
    assert [*validation.INCIDENT_COLUMNS, "oiics_event"] == selectors.INCIDENT_COLUMNS
    assert list(validation.EXPOSURE_COLUMNS) == selectors.EXPOSURE_COLUMNS
    assert selectors.HOURS_BASE == scoring_settings.HOURS_BASE
