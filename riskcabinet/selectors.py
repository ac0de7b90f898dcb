"""Reads for the cabinet: the database as the plain frames the scoring engine takes."""

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db.models import Count, DecimalField, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from incidents.models import (
    OPEN_ACTION_STATUSES,
    RECORDABLE_SEVERITIES,
    Claim,
    ControlLevel,
    CorrectiveAction,
    Incident,
    IncidentType,
    Severity,
    Source,
)
from riskcabinet import charts
from riskcabinet.models import DataImport, Department, DepartmentScore, ExposureMonth

# The scoring engine (scikit-learn, SciPy) is imported inside the functions that run it, so that
# loading the URL conf, and so every web worker's first request, does not pay for it. Importing
# even its constants would load the whole package, so the rate base and the frames' columns are
# copies here, which a test compares with the engine's.
HOURS_BASE = 200_000.0

LOCAL_TIME_ZONE = ZoneInfo("America/Los_Angeles")
# Two-sided coverage of the funnel plot's inner and outer limits.
FUNNEL_COVERAGES = (0.95, 0.998)

INCIDENT_COLUMNS = [
    "department",
    "occurred_on",
    "severity",
    "recordable",
    "days_away",
    "days_restricted",
    "incident_type",
    "oiics_event",
]
EXPOSURE_COLUMNS = ["department", "month", "hours_worked", "headcount"]


def departments_by_code() -> dict[str, Department]:
    """Every department under its code and its former codes, upper-cased; a current code wins
    over a former one."""
    departments = list(Department.objects.all())
    found = {
        code.upper(): department
        for department in departments
        for code in department.former_code_list
    }
    found.update({department.code.upper(): department for department in departments})
    return found


def incident_frame(*, until: date | None = None) -> pd.DataFrame:
    """One row per incident (merged duplicates excluded) in the scoring engine's format."""
    incidents = Incident.objects.filter(merged_into__isnull=True)
    if until is not None:
        incidents = incidents.filter(occurred_at__date__lte=until)
    rows = incidents.values_list(
        "department__code",
        "occurred_at",
        "severity",
        "recordable",
        "days_away",
        "days_restricted",
        "incident_type",
        "oiics_event",
    ).order_by("pk")
    frame = pd.DataFrame.from_records(list(rows), columns=INCIDENT_COLUMNS)
    if frame.empty:
        return frame
    occurred = pd.to_datetime(frame["occurred_on"], utc=True).dt.tz_convert("America/Los_Angeles")
    frame["occurred_on"] = occurred.dt.strftime("%Y-%m-%d")
    undecided = frame["recordable"].isna()
    frame.loc[undecided, "recordable"] = frame.loc[undecided, "severity"].isin(
        [s.value for s in RECORDABLE_SEVERITIES]
    )
    frame["recordable"] = frame["recordable"].astype(bool)
    return frame


def exposure_frame() -> pd.DataFrame:
    rows = ExposureMonth.objects.values_list(
        "department__code", "month", "hours_worked", "headcount"
    ).order_by("department__code", "month")
    frame = pd.DataFrame.from_records(list(rows), columns=EXPOSURE_COLUMNS)
    if frame.empty:
        return frame
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    frame["hours_worked"] = frame["hours_worked"].astype(float)
    return frame


# --- Payroll hours coverage ---------------------------------------------------------------


@dataclass(frozen=True)
class HoursGap:
    department: Department
    cases: int  # Cases that happened there that month (merged duplicates excluded).


@dataclass(frozen=True)
class HoursCoverage:
    """Which departments have payroll hours for one month."""

    month: date
    departments: int
    with_hours: int
    missing: list[HoursGap]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def blocking(self) -> list[HoursGap]:
        """Departments with cases but no hours: no ranking can include this month until then."""
        return [gap for gap in self.missing if gap.cases]


def exposure_coverage(
    *, months: int = 13, through: date | None = None, today: date | None = None
) -> list[HoursCoverage]:
    """Payroll hours coverage for `months` months up to `through`, newest first.

    Without `through`, the newest is the last complete month, or a later month when payroll has
    already sent one.
    """
    if through is not None:
        newest = through.replace(day=1)
    else:
        newest = last_complete_month(today=today)
        latest = ExposureMonth.objects.aggregate(last=Max("month"))["last"]
        if latest is not None and latest > newest:
            newest = latest
    oldest = month_shift(newest, -(months - 1))
    departments = list(Department.objects.order_by("name"))
    cases = _cases_by_department_month(oldest, newest)
    with_hours: dict[date, set[int]] = {}
    for department_id, month, hours in ExposureMonth.objects.filter(
        month__gte=oldest, month__lte=newest
    ).values_list("department_id", "month", "hours_worked"):
        # A month of 0 hours is a closed season, unless it has cases: then it is a gap, since
        # no rate can be read from it (the ranking would leave the department out).
        if hours > 0 or not cases.get((department_id, month)):
            with_hours.setdefault(month, set()).add(department_id)
    coverage = []
    for step in range(months):
        month = month_shift(newest, -step)
        present = with_hours.get(month, set())
        missing = [
            HoursGap(department=d, cases=cases.get((d.pk, month), 0))
            for d in departments
            if d.pk not in present
        ]
        coverage.append(
            HoursCoverage(
                month=month,
                departments=len(departments),
                with_hours=len(departments) - len(missing),
                missing=missing,
            )
        )
    return coverage


def _cases_by_department_month(oldest: date, newest: date) -> dict[tuple[int, date], int]:
    """Counts per (department id, month), months as the city's local calendar has them."""
    start = datetime.combine(oldest, time.min, tzinfo=LOCAL_TIME_ZONE)
    end = datetime.combine(month_shift(newest, 1), time.min, tzinfo=LOCAL_TIME_ZONE)
    counts: dict[tuple[int, date], int] = {}
    for department_id, occurred_at in Incident.objects.filter(
        merged_into__isnull=True, occurred_at__gte=start, occurred_at__lt=end
    ).values_list("department_id", "occurred_at"):
        month = occurred_at.astimezone(LOCAL_TIME_ZONE).date().replace(day=1)
        counts[(department_id, month)] = counts.get((department_id, month), 0) + 1
    return counts


def data_imports_recent(*, kind: str, limit: int = 10) -> list[DataImport]:
    return list(DataImport.objects.filter(kind=kind).select_related("imported_by")[:limit])


# --- Months --------------------------------------------------------------------------------

_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})$")


def month_parse(text: str) -> date:
    """'2026-10' as date(2026, 10, 1); ValueError with a plain message otherwise."""
    matched = _MONTH_TEXT.match((text or "").strip())
    if not matched or not 1 <= int(matched.group(2)) <= 12 or int(matched.group(1)) < 1900:
        raise ValueError(f"'{text}' is not a month written YYYY-MM (for example 2026-10)")
    return date(int(matched.group(1)), int(matched.group(2)), 1)


def month_shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month_shift(month, 1) - timedelta(days=1)


def last_complete_month(*, today: date | None = None) -> date:
    """The month before this one: the latest month whose reports and payroll are closed."""
    today = today or timezone.localdate()
    return month_shift(today.replace(day=1), -1)


def scoring_months_available() -> list[date]:
    """Months the ranking can be shown for, newest first.

    A month qualifies when payroll hours exist for it and for the whole window before it, and
    it has ended; months already stored are always offered.
    """
    bounds = ExposureMonth.objects.aggregate(first=Min("month"), last=Max("month"))
    months: set[date] = set(DepartmentScore.objects.values_list("month", flat=True).distinct())
    if bounds["first"] is not None:
        first = month_shift(bounds["first"], SCORING_WINDOW_MONTHS - 1)
        last = min(bounds["last"], last_complete_month())
        month = first
        while month <= last:
            months.add(month)
            month = month_shift(month, 1)
    return sorted(months, reverse=True)


# --- Stored rankings -----------------------------------------------------------------------

SCORING_WINDOW_MONTHS = 12


def department_scores_for(*, month: date) -> list[DepartmentScore]:
    return list(
        DepartmentScore.objects.filter(month=month).select_related("department").order_by("rank")
    )


def previous_ranks_for(*, month: date) -> dict[int, int]:
    """Department id -> rank in the previous month's stored ranking (empty if none stored)."""
    return dict(
        DepartmentScore.objects.filter(month=month_shift(month, -1)).values_list(
            "department_id", "rank"
        )
    )


@dataclass(frozen=True)
class FunnelData:
    points: list[charts.FunnelPoint]
    statuses: dict[str, str]
    city_rate: float
    curves: list[charts.FunnelCurve]


def city_trir(scores: list[DepartmentScore]) -> float | None:
    """The city's recordable cases per 200,000 hours over the ranked departments."""
    hours = sum(s.hours_worked for s in scores)
    return sum(s.recordable_cases for s in scores) * HOURS_BASE / hours if hours > 0 else None


# The engine's funnel positions as the charts' statuses.
_INNER, _OUTER = (f"{coverage * 100:g}%" for coverage in FUNNEL_COVERAGES)
FUNNEL_STATUS_OF_POSITION = {
    f"above {_OUTER}": "above_outer",
    f"above {_INNER}": "above_inner",
    f"below {_INNER}": "below_inner",
    f"below {_OUTER}": "below_inner",
    "within": "within",
}


def stored_funnel_statuses(scores: list[DepartmentScore]) -> dict[str, str]:
    """The funnel statuses the stored ranking kept, for when the engine's curve is unavailable."""
    return {
        s.department.code: FUNNEL_STATUS_OF_POSITION.get(s.funnel_position, "within")
        for s in scores
        if s.hours_worked > 0
    }


def funnel_data(scores: list[DepartmentScore], funnel: dict) -> FunnelData | None:
    """The harm rate against hours worked for the stored ranking, inside the engine's funnel.

    The limits are the engine's (exact Poisson limits around the city's harm rate, widened for
    the severity weights), so the dots outside them are the departments whose reasons say so.
    `funnel` is the engine's curve for the month (`scoring_funnel_for`); without it, no plot.
    """
    points = [
        charts.FunnelPoint(
            code=s.department.code,
            name=s.department.name,
            exposure=s.hours_worked,
            rate=s.harm_rate,
            cases=s.recordable_cases,
        )
        for s in scores
        if s.hours_worked > 0
    ]
    curve = funnel.get("curve") or []
    if not points or not curve:
        return None
    hours = np.array([point["hours"] for point in curve], dtype=float)
    curves = [
        charts.FunnelCurve(
            label=name,
            exposures=[float(h) for h in hours],
            rates=[float("nan") if point[name] is None else point[name] for point in curve],
            outer=name.endswith("outer"),
        )
        for name in ("lower_inner", "upper_inner", "lower_outer", "upper_outer")
    ]

    def limit_at(name: str, exposure: float) -> float | None:
        # For a ranking stored before positions were kept: the curve, read in log hours.
        values = np.array([np.nan if p[name] is None else p[name] for p in curve], dtype=float)
        value = float(np.interp(np.log(exposure), np.log(hours), values))
        return value if math.isfinite(value) else None

    positions = {s.department.code: s.funnel_position for s in scores}
    statuses = {
        p.code: FUNNEL_STATUS_OF_POSITION.get(positions[p.code])
        or charts.funnel_classify(p, limit_at)
        for p in points
    }
    return FunnelData(
        points=points, statuses=statuses, city_rate=funnel["city_rate"], curves=curves
    )


# --- One department ------------------------------------------------------------------------

PRIVACY_ACTION_TEXT = "An action on a privacy case (not described)"

# Every incident in which someone was or could have been hurt needs an investigation.
INVESTIGATED_TYPES = (
    IncidentType.INJURY_ILLNESS,
    IncidentType.ASSAULT,
    IncidentType.VEHICLE,
    IncidentType.EXPOSURE,
    IncidentType.NEAR_MISS,
)
SEVERITY_SHORT = {
    Severity.FATALITY: "Fatality",
    Severity.HOSPITALIZATION: "Hospitalization",
    Severity.DAYS_AWAY: "Days away",
    Severity.RESTRICTED: "Restricted duty",
    Severity.MEDICAL: "Medical treatment",
    Severity.FIRST_AID: "First aid",
    Severity.NONE: "No injury",
}
TYPE_SHORT = {
    IncidentType.INJURY_ILLNESS: "Injury or illness",
    IncidentType.NEAR_MISS: "Near miss",
    IncidentType.VEHICLE: "Vehicle collision",
    IncidentType.ASSAULT: "Assault or threat",
    IncidentType.EXPOSURE: "Exposure",
    IncidentType.PROPERTY_DAMAGE: "Property damage",
}


@dataclass(frozen=True)
class OpenAction:
    """A corrective action as the cabinet sees it: what, how strong a control, and when."""

    description: str
    control_level: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class DepartmentProfile:
    window_start: date
    window_end: date
    incidents: int
    by_severity: list[tuple[str, int]]
    by_type: list[tuple[str, int]]
    investigations_needed: int
    investigations_completed: int
    actions_open: int
    actions_overdue: int
    actions: list[OpenAction]
    claims: int
    claims_incurred: Decimal
    claims_paid: Decimal
    # Injuries the city first heard of from a workers' compensation claim: nobody reported them.
    unreported: int = 0

    @property
    def investigation_share(self) -> float | None:
        if not self.investigations_needed:
            return None
        return self.investigations_completed / self.investigations_needed


def department_profile(
    *,
    department: Department,
    month: date,
    window: int = SCORING_WINDOW_MONTHS,
    actions_shown: int = 25,
) -> DepartmentProfile:
    """Aggregates for one department over the window ending with `month`: no person, no text
    written about a person, only counts, sums and the corrective actions' own descriptions."""
    start = month_shift(month, -(window - 1))
    end = month_end(month)
    incidents = Incident.objects.filter(
        department=department,
        merged_into__isnull=True,
        occurred_at__gte=_local_midnight(start),
        occurred_at__lt=_local_midnight(end + timedelta(days=1)),
    )
    severity_counts = dict(
        incidents.values_list("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    type_counts = dict(
        incidents.values_list("incident_type")
        .annotate(n=Count("pk"))
        .values_list("incident_type", "n")
    )
    needing = Q(incident_type__in=INVESTIGATED_TYPES)
    counts = incidents.aggregate(
        needed=Count("pk", filter=needing),
        completed=Count("pk", filter=needing & Q(investigation__completed_at__isnull=False)),
        unreported=Count("pk", filter=Q(source=Source.CLAIM)),
    )

    today = timezone.localdate()
    open_actions = CorrectiveAction.objects.filter(
        incident__department=department,
        incident__merged_into__isnull=True,
        status__in=OPEN_ACTION_STATUSES,
    )
    action_counts = open_actions.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    levels = dict(ControlLevel.choices)
    actions = [
        OpenAction(
            # A privacy case's action may say what the case is about: counted, not described.
            description=PRIVACY_ACTION_TEXT if private else description,
            control_level=str(levels.get(level, level)),
            due_on=due_on,
            overdue=due_on < today,
        )
        for description, level, due_on, private in open_actions.order_by(
            "due_on", "pk"
        ).values_list("description", "control_level", "due_on", "incident__privacy_case")[
            :actions_shown
        ]
    ]

    claims = Claim.objects.filter(
        incident__department=department, opened_on__gte=start, opened_on__lte=end
    ).aggregate(
        count=Count("pk"),
        incurred=Coalesce(Sum("total_incurred"), Decimal(0), output_field=DecimalField()),
        paid=Coalesce(Sum("paid_to_date"), Decimal(0), output_field=DecimalField()),
    )
    return DepartmentProfile(
        window_start=start,
        window_end=end,
        incidents=sum(severity_counts.values()),
        by_severity=[(SEVERITY_SHORT[s], severity_counts.get(s.value, 0)) for s in Severity],
        by_type=[(TYPE_SHORT[t], type_counts.get(t.value, 0)) for t in IncidentType],
        investigations_needed=counts["needed"],
        investigations_completed=counts["completed"],
        actions_open=action_counts["open"],
        actions_overdue=action_counts["overdue"],
        actions=actions,
        claims=claims["count"],
        claims_incurred=claims["incurred"],
        claims_paid=claims["paid"],
        unreported=counts["unreported"],
    )


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), LOCAL_TIME_ZONE)


# --- The scoring engine's output -----------------------------------------------------------


class ScoringUnavailable(Exception):
    """The month cannot be scored (no payroll hours for it, too little history, ...)."""


@dataclass(frozen=True)
class ScoringResult:
    """The engine's ranking for one month, as DepartmentScore field values and chart series.

    `series` maps a department code (and "city") to its monthly points: plain dicts with
    month, rate, centre, upper, lower and signal, so they can be cached as they are.
    """

    month: date
    rows: list[dict]
    series: dict[str, list[dict]]
    # The funnel plot's city harm rate and limits (see `_funnel_from`); empty without a curve.
    funnel: dict = field(default_factory=dict)
    rate_name: str = "Cases with harm per 200,000 hours"

    def codes(self) -> list[str]:
        return [row["department"] for row in self.rows]


def scoring_result_compute(*, month: date, window: int = SCORING_WINDOW_MONTHS) -> ScoringResult:
    """Run the engine on the database as it stands, as of `month`. Writes nothing."""
    from riskcabinet import scoring

    incidents = incident_frame(until=month_end(month))
    exposure = exposure_frame()
    if exposure.empty:
        raise ScoringUnavailable("No payroll hours have been imported yet.")
    exposure = exposure[exposure["month"] <= f"{month:%Y-%m}"]
    incidents = _rateable(incidents, exposure)
    first = f"{month_shift(month, -(window - 1)):%Y-%m}"
    # A payroll row of 0 hours in a month with cases: no rate can be read from it, and the
    # engine would drop the cases (or the department) from the city's figures. Held back, as a
    # missing row is, and the hours page lists the same gap.
    zero = exposure[(exposure["month"] >= first) & (exposure["hours_worked"] <= 0)]
    if not zero.empty and not incidents.empty:
        cases = zip(incidents["department"], incidents["occurred_on"].str[:7], strict=True)
        blocked = sorted(set(zip(zero["department"], zero["month"], strict=True)) & set(cases))
        if blocked:
            raise ScoringUnavailable(
                "Cases but 0 payroll hours: "
                + ", ".join(f"{code} in {month_text}" for code, month_text in blocked)
            )
    try:
        ranking = scoring.rank_departments(
            incidents, exposure, as_of=f"{month:%Y-%m}", window=window
        )
    except scoring.ScoringInputError as error:
        raise ScoringUnavailable(str(error)) from error
    return _scoring_result_from(ranking, month=month, exposure=exposure, window=window)


def _rateable(incidents: pd.DataFrame, exposure: pd.DataFrame) -> pd.DataFrame:
    """The incidents a rate can be given for: none from before its department's payroll history
    begins (cases imported from years before, or from before a department's first payroll),
    which would otherwise stop every ranking. A month missing inside the history still does,
    as the payroll hours page says, since leaving its cases out would flatter the department."""
    if incidents.empty:
        return incidents
    first_month = exposure.groupby("department")["month"].min()
    starts = incidents["department"].map(first_month)
    before = starts.notna() & (incidents["occurred_on"].str[:7] < starts)
    return incidents[~before]


def _scoring_result_from(ranking, *, month: date, exposure: pd.DataFrame, window: int):
    first = f"{month_shift(month, -(window - 1)):%Y-%m}"
    in_window = exposure[(exposure["month"] >= first) & (exposure["month"] <= f"{month:%Y-%m}")]
    hours = in_window.groupby("department")["hours_worked"].sum().to_dict()
    rows = []
    for record in ranking.departments.to_dict("records"):
        code = str(record["department"])
        rows.append(
            {
                "department": code,
                "rank": int(record["rank"]),
                "score": _number(record["score"]),
                "recordable_cases": int(record["recordable_cases"]),
                "trir": _number(record["trir"]),
                "dart": _number(record["dart"]),
                "harm_rate": _number(record["harm_rate"]),
                "shrunk_harm_rate": _number(record["shrunk_harm_rate"]),
                "trend_pct_per_year": _optional_number(record.get("trend_pct_per_year")),
                "trend_significant": bool(record.get("trend_significant", False)),
                "control_signal": _signal_text(record.get("control_signal")),
                "funnel_position": str(record.get("funnel_position") or "")[:20],
                "reasons": _reasons(record.get("reasons")),
                "hours_worked": float(hours.get(code, 0.0)),
            }
        )
    return ScoringResult(
        month=month, rows=rows, series=_series_from(ranking), funnel=_funnel_from(ranking)
    )


def _funnel_from(ranking) -> dict:
    """The city's harm rate and the funnel's limits on a grid of hours, as plain numbers."""
    curve = ranking.funnel_curve
    if not isinstance(curve, pd.DataFrame) or curve.empty:
        return {}
    inner, outer = (f"{coverage * 100:g}" for coverage in FUNNEL_COVERAGES)
    columns = {
        "lower_inner": f"lower_{inner}",
        "upper_inner": f"upper_{inner}",
        "lower_outer": f"lower_{outer}",
        "upper_outer": f"upper_{outer}",
    }
    return {
        "city_rate": _number(ranking.city_harm_rate),
        "curve": [
            {"hours": float(record["hours"])}
            | {ours: _optional_number(record[theirs]) for ours, theirs in columns.items()}
            for record in curve.to_dict("records")
        ],
    }


# What the engine may call each column of its monthly series, and what the charts call it.
_SERIES_COLUMNS = {
    "month": ("month",),
    "rate": ("rate", "case_rate", "harm_case_rate", "observed_rate"),
    "centre": ("centre", "center", "centre_line", "center_line", "expected_rate"),
    "upper": ("upper", "upper_limit", "ucl"),
    "lower": ("lower", "lower_limit", "lcl"),
    "signal": ("signal", "above_ucl", "above", "above_upper", "out_of_control"),
}


def _series_from(ranking) -> dict[str, list[dict]]:
    """Monthly points per department code (and "city"), from the engine's long-format series."""
    series: dict[str, list[dict]] = {}
    frames = [(ranking.department_monthly, None), (ranking.city_monthly, "city")]
    for frame, code in frames:
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            continue
        names = {
            ours: next((c for c in theirs if c in frame.columns), None)
            for ours, theirs in _SERIES_COLUMNS.items()
        }
        for record in frame.to_dict("records"):
            key = code or str(record["department"])
            point = {}
            for ours, theirs in names.items():
                value = record.get(theirs) if theirs else None
                if ours == "month":
                    point[ours] = str(value)[:7]
                elif ours == "signal":
                    point[ours] = bool(value) if value is not None and value == value else False
                else:
                    point[ours] = _optional_number(value)
            series.setdefault(key, []).append(point)
    return series


def _number(value) -> float:
    value = float(value)
    return value if math.isfinite(value) else 0.0


def _optional_number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _signal_text(value) -> str:
    if value is None or value is False or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is True:
        return "Recent month of cases with harm above the control limit"
    return str(value)[:200]


def _reasons(value) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return [str(part) for part in value]


def _charts_cache_key(month: date) -> str:
    stamp = DepartmentScore.objects.filter(month=month).aggregate(at=Max("computed_at"))["at"]
    return f"riskcabinet:scoring-charts:{month:%Y-%m}:{stamp.timestamp() if stamp else 'none'}"


def scoring_charts_remember(*, month: date, result: ScoringResult) -> None:
    """Keep the month's chart series and funnel next to its stored ranking (a day in the
    cache)."""
    charts_data = {"series": result.series, "funnel": result.funnel}
    cache.set(_charts_cache_key(month), charts_data, SERIES_CACHE_SECONDS)


def _scoring_charts_for(month: date) -> dict:
    key = _charts_cache_key(month)
    charts_data = cache.get(key)
    if charts_data is None:
        try:
            result = scoring_result_compute(month=month)
            charts_data = {"series": result.series, "funnel": result.funnel}
        except ScoringUnavailable:
            charts_data = {"series": {}, "funnel": {}}
        cache.set(key, charts_data, SERIES_CACHE_SECONDS)
    return charts_data


def scoring_series_for(*, month: date) -> dict[str, list[dict]]:
    """The monthly series behind the stored ranking, from the cache or the engine again."""
    return _scoring_charts_for(month)["series"]


def scoring_funnel_for(*, month: date) -> dict:
    """The funnel plot's curve behind the stored ranking, from the cache or the engine again."""
    return _scoring_charts_for(month)["funnel"]


SERIES_CACHE_SECONDS = 24 * 60 * 60
