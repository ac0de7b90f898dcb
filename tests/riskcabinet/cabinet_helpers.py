"""Stored rankings for the cabinet tests, written directly so the views are tested alone."""

from datetime import date

from riskcabinet.models import DepartmentScore
from tests.factories import DepartmentFactory, DepartmentScoreFactory


def stored_ranking(month: date = date(2026, 10, 1), previous: bool = True):
    """Three departments ranked for `month` (and, reversed, for the month before)."""
    police = DepartmentFactory(code="LAPD", name="Police")
    parks = DepartmentFactory(code="RAP", name="Recreation and Parks")
    clerk = DepartmentFactory(code="CLK", name="City Clerk")
    rows = [
        (
            police,
            1,
            9.1,
            410,
            8.2,
            4.1,
            40.5,
            39.8,
            22.0,
            True,
            "2 of the last 3 months above the limit",
            ["Assaults up 60% on last year", "Rate 2.3 times the city's"],
            10_000_000.0,
        ),
        (
            parks,
            2,
            4.0,
            60,
            4.0,
            2.0,
            20.1,
            19.5,
            -3.0,
            False,
            "",
            ["Rate close to the city's"],
            3_000_000.0,
        ),
        (clerk, 3, 1.2, 1, 2.0, 0.0, 6.0, 12.0, None, False, "", ["Small department"], 100_000.0),
    ]
    positions = {police: "above 99.8%", parks: "within", clerk: "within"}
    for (
        dept,
        rank,
        score,
        cases,
        trir,
        dart,
        harm,
        shrunk,
        trend,
        sig,
        signal,
        reasons,
        hours,
    ) in rows:
        DepartmentScore.objects.create(
            funnel_position=positions[dept],
            month=month,
            department=dept,
            rank=rank,
            score=score,
            recordable_cases=cases,
            trir=trir,
            dart=dart,
            harm_rate=harm,
            shrunk_harm_rate=shrunk,
            trend_pct_per_year=trend,
            trend_significant=sig,
            control_signal=signal,
            reasons=reasons,
            hours_worked=hours,
        )
    _remember_funnel(month, rows)
    if previous:
        before = (
            date(month.year, month.month - 1, 1) if month.month > 1 else date(month.year - 1, 12, 1)
        )
        for dept, rank in ((police, 3), (parks, 2), (clerk, 1)):
            DepartmentScoreFactory(month=before, department=dept, rank=rank, hours_worked=1.0)
    return police, parks, clerk


def _remember_funnel(month: date, rows) -> None:
    """The engine's funnel for the stored rows, where the views read it (as a build keeps it)."""
    import numpy as np

    from riskcabinet import selectors
    from riskcabinet.scoring.funnel import funnel_limits

    units = {row[0].code: row[-1] / selectors.HOURS_BASE for row in rows}
    city = sum(row[6] * units[row[0].code] for row in rows) / sum(units.values())
    hours = np.geomspace(50_000.0, 20_000_000.0, 40)
    limits = funnel_limits(city, hours / selectors.HOURS_BASE, selectors.FUNNEL_COVERAGES)
    names = {"lower_95": "lower_inner", "upper_95": "upper_inner"}
    names |= {"lower_99.8": "lower_outer", "upper_99.8": "upper_outer"}
    curve = [
        {"hours": float(h)} | {names[key]: float(values[i]) for key, values in limits.items()}
        for i, h in enumerate(hours)
    ]
    result = selectors.ScoringResult(
        month=month, rows=[], series={}, funnel={"city_rate": city, "curve": curve}
    )
    selectors.scoring_charts_remember(month=month, result=result)


def scored_city(months: int = 24, last: date = date(2026, 10, 1)):
    """Three departments with two years of payroll hours and incidents the engine can rank.

    Streets has many serious injuries for its hours, Library few, and Clerk is tiny.
    """
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from incidents.models import IncidentType, Severity
    from riskcabinet.models import ExposureMonth
    from tests.factories import IncidentFactory

    streets = DepartmentFactory(code="BSS", name="Street Services")
    library = DepartmentFactory(code="LAPL", name="Public Library")
    clerk = DepartmentFactory(code="CLK", name="City Clerk")
    la = ZoneInfo("America/Los_Angeles")
    plan = [
        # department, hours a month, incidents a month (by month index pattern), severity
        (streets, 160_000, (3, 4, 5), Severity.DAYS_AWAY),
        (library, 160_000, (0, 1, 0), Severity.FIRST_AID),
        (clerk, 8_000, (0, 0, 0), Severity.MEDICAL),
    ]
    exposure = []
    for index in range(months):
        total = last.year * 12 + last.month - 1 - (months - 1 - index)
        month = date(total // 12, total % 12 + 1, 1)
        for department, hours, pattern, severity in plan:
            exposure.append(
                ExposureMonth(
                    department=department, month=month, hours_worked=hours, headcount=hours // 160
                )
            )
            for n in range(pattern[index % 3]):
                IncidentFactory(
                    department=department,
                    occurred_at=datetime(month.year, month.month, 5 + n, 10, tzinfo=la),
                    severity=severity,
                    incident_type=IncidentType.INJURY_ILLNESS
                    if n % 2 == 0
                    else IncidentType.ASSAULT,
                    days_away=3 if severity == Severity.DAYS_AWAY else 0,
                )
    ExposureMonth.objects.bulk_create(exposure)
    _ = timedelta
    return streets, library, clerk
