"""Ranking departments as of a month, with rates, reasons and chart data for the cabinet."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import binom

from riskcabinet.scoring.aggregate import DepartmentMonthPanel, build_panel
from riskcabinet.scoring.control_chart import CHART_NAMES, control_limits
from riskcabinet.scoring.engine import DepartmentScores, score_as_of
from riskcabinet.scoring.funnel import funnel_limits
from riskcabinet.scoring.reasons import ReasonFacts, department_reasons
from riskcabinet.scoring.settings import HOURS_BASE, INCIDENT_TYPES, SEVERITIES, ScoringSettings
from riskcabinet.scoring.threads import single_threaded
from riskcabinet.scoring.validation import (
    month_label,
    parse_month,
    validate_exposure,
    validate_incidents,
)

_FUNNEL_GRID_POINTS = 60


@dataclass(frozen=True, eq=False)
class Ranking:
    """The ranking as of a month, and the series to draw its charts.

    departments: one row per department in rank order (rank 1 = most risk). Columns: department,
        rank, score, hours, headcount, cases, recordable_cases, dart_cases, fatalities,
        hospitalizations, trir, dart, lost_workday_rate, harm, harm_rate, shrunk_harm_rate,
        harm_ratio_to_city, trend_pct_per_year, raw_trend_pct_per_year, trend_significant,
        control_chart, control_signal, signal_months, funnel_position, reasons.
        Rates are per 200,000 hours worked; `score` is the projected harm rate for the quarter
        ahead, in the same unit.
    city_monthly: the citywide series over the trend span: month, hours, cases, recordable_cases,
        harm_cases, harm, trir, case_rate, centre, ucl, lcl, above_ucl, chart.
    department_monthly: the same per department over the window (department first), with the
        department's own control limits.
    funnel: per department: department, hours, harm_rate, city_harm_rate and the limits
        lower_95, upper_95, lower_99.8, upper_99.8 at its exposure, and funnel_position.
    funnel_curve: the limits on a grid of exposures, for drawing the funnel: hours and the four
        limits.
    """

    as_of: str
    window: int
    city_harm_rate: float
    city_trir: float
    city_dart: float
    departments: pd.DataFrame
    city_monthly: pd.DataFrame
    department_monthly: pd.DataFrame
    funnel: pd.DataFrame
    funnel_curve: pd.DataFrame
    settings: ScoringSettings = field(default_factory=ScoringSettings)

    def to_dict(self) -> dict:
        """The JSON shape: {"as_of", "window", "city", "departments": [...]} in rank order."""
        departments = []
        for record in self.departments.to_dict(orient="records"):
            departments.append({key: _plain(value) for key, value in record.items()})
        return {
            "as_of": self.as_of,
            "window": self.window,
            "city": {
                "harm_rate": round(self.city_harm_rate, 3),
                "trir": round(self.city_trir, 3),
                "dart": round(self.city_dart, 3),
            },
            "departments": departments,
        }


def _plain(value):
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else round(float(value), 3)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _per_base(count: np.ndarray, hours: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(hours > 0, count * HOURS_BASE / np.where(hours > 0, hours, 1), 0.0)


def _pct(slope: np.ndarray) -> np.ndarray:
    return (np.exp(slope) - 1) * 100


def _type_changes(
    panel: DepartmentMonthPanel, scores: DepartmentScores, settings: ScoringSettings
) -> list[tuple[tuple[str, float], ...]]:
    """Per department, the incident types that changed clearly on the year before the window."""
    columns = scores.window_columns
    length = len(columns)
    previous = columns - length
    if previous[0] < 0:
        return [()] * len(scores.included)
    now = panel.by_type[scores.included][:, columns].sum(axis=1)
    before = panel.by_type[scores.included][:, previous].sum(axis=1)
    hours_now = panel.hours[scores.included][:, columns].sum(axis=1)[:, None]
    hours_before = panel.hours[scores.included][:, previous].sum(axis=1)[:, None]
    total = now + before
    with np.errstate(divide="ignore", invalid="ignore"):
        share = hours_now / (hours_now + hours_before)
        ratio = (now / hours_now) / (before / hours_before)
        # Conditional test: given the total, this year's count is binomial with the share of
        # hours if the rate did not change.
        lower = binom.cdf(now, total, share)
        upper = binom.sf(now - 1, total, share)
    p_value = np.minimum(1.0, 2 * np.minimum(lower, upper))
    change = ratio - 1
    clear = (
        (hours_before > 0)
        & (before > 0)
        & (np.maximum(now, before) >= settings.reason_type_min_cases)
        & (np.abs(change) >= settings.reason_type_min_change)
        & (p_value <= settings.reason_type_max_p_value)
    )
    result = []
    for row in range(len(scores.included)):
        found = [
            (INCIDENT_TYPES[col], float(change[row, col])) for col in np.flatnonzero(clear[row])
        ]
        found.sort(key=lambda item: -abs(item[1]))
        result.append(tuple(found[:2]))
    return result


def _funnel_position(rate, limits: dict, row: int, outer: str, inner: str) -> str:
    if rate > limits[f"upper_{outer}"][row]:
        return f"above {outer}%"
    if rate > limits[f"upper_{inner}"][row]:
        return f"above {inner}%"
    if rate < limits[f"lower_{outer}"][row]:
        return f"below {outer}%"
    if rate < limits[f"lower_{inner}"][row]:
        return f"below {inner}%"
    return "within"


def rank_panel(
    panel: DepartmentMonthPanel, as_of: int, window: int, settings: ScoringSettings
) -> Ranking:
    """Rank an aggregated panel (see `rank_departments` for frames)."""
    with single_threaded():
        return _rank_panel(panel, as_of, window, settings)


def _rank_panel(
    panel: DepartmentMonthPanel, as_of: int, window: int, settings: ScoringSettings
) -> Ranking:
    scores = score_as_of(panel, as_of, window, settings)
    included = scores.included
    columns = scores.window_columns
    hours = scores.hours
    recordable = panel.recordable[included][:, columns].sum(axis=1)
    dart = panel.dart[included][:, columns].sum(axis=1)
    lost = panel.lost_workdays[included][:, columns].sum(axis=1)
    by_severity = panel.by_severity[included][:, columns].sum(axis=1)
    fatalities = by_severity[:, SEVERITIES.index("fatality")].astype(int)
    hospitalizations = by_severity[:, SEVERITIES.index("hospitalization")].astype(int)
    city_hours = hours.sum()

    # Funnel on the harm rate: harm points over dispersion behave like Poisson counts.
    squared = panel.harm_squared(settings)[included][:, columns].sum()
    dispersion = squared / scores.harm.sum() if scores.harm.sum() > 0 else 1.0
    city_effective_rate = scores.city_harm_rate / dispersion
    coverages = (settings.funnel_inner_coverage, settings.funnel_outer_coverage)
    units = hours / HOURS_BASE
    limits = {
        key: value * dispersion
        for key, value in funnel_limits(city_effective_rate, units, coverages).items()
    }
    inner, outer = (f"{coverage * 100:g}" for coverage in coverages)
    positions = [
        _funnel_position(scores.harm_rate[row], limits, row, outer, inner)
        for row in range(len(included))
    ]
    grid = np.geomspace(max(units.min() / 2, 1e-3), units.max() * 2, _FUNNEL_GRID_POINTS)
    curve = {
        key: value * dispersion
        for key, value in funnel_limits(city_effective_rate, grid, coverages).items()
    }

    lookback = min(settings.signal_lookback_months, len(columns) - 1)
    above = scores.limits.above
    ratio = (
        scores.shrunk_harm_rate / scores.city_harm_rate
        if scores.city_harm_rate > 0
        else (np.ones(len(included)))
    )
    trend_pct = _pct(scores.trend.shrunk_slope)
    raw_trend_pct = _pct(scores.trend.raw_slope)
    # A trend is called rising or falling only when the department's own slope is significant
    # and the shrunk slope, which the figure shows, points the same way: pulled toward a city
    # rising fast, a department falling significantly can show a small rise.
    significant = (
        np.abs(scores.trend.raw_slope)
        > (settings.trend_significance_z * scores.trend.standard_error)
    ) & (np.sign(scores.trend.raw_slope) == np.sign(scores.trend.shrunk_slope))
    type_changes = _type_changes(panel, scores, settings)
    headcount = panel.headcount[included, columns[-1]]

    rows = []
    for row, department_index in enumerate(included):
        signal_months = (
            tuple(
                int(panel.first_month + columns[col])
                for col in np.flatnonzero(above[row])
                if col >= len(columns) - lookback
            )
            if scores.control_signal[row]
            else ()
        )
        chart = str(scores.limits.chart[row])
        facts = ReasonFacts(
            harm_ratio_to_city=float(ratio[row]),
            trend_pct_per_year=float(trend_pct[row]),
            trend_significant=bool(significant[row]),
            signal_months=signal_months,
            chart_name=CHART_NAMES[chart],
            type_changes=type_changes[row],
            fatalities=int(fatalities[row]),
            hospitalizations=int(hospitalizations[row]),
            window_months=len(columns),
            hours=float(hours[row]),
            small=bool(hours[row] < settings.reason_small_hours),
            funnel_position=positions[row],
        )
        rows.append(
            {
                "department": str(panel.departments[department_index]),
                "score": float(scores.score[row]),
                "hours": float(hours[row]),
                "headcount": float(headcount[row]),
                "cases": int(panel.cases[department_index, columns].sum()),
                "recordable_cases": int(recordable[row]),
                "dart_cases": int(dart[row]),
                "fatalities": int(fatalities[row]),
                "hospitalizations": int(hospitalizations[row]),
                "trir": float(_per_base(recordable[row], hours[row])),
                "dart": float(_per_base(dart[row], hours[row])),
                "lost_workday_rate": float(_per_base(lost[row], hours[row])),
                "harm": float(scores.harm[row]),
                "harm_rate": float(scores.harm_rate[row]),
                "shrunk_harm_rate": float(scores.shrunk_harm_rate[row]),
                "harm_ratio_to_city": float(ratio[row]),
                "trend_pct_per_year": float(trend_pct[row]),
                "raw_trend_pct_per_year": float(raw_trend_pct[row]),
                "trend_significant": bool(significant[row]),
                "control_chart": chart,
                "control_signal": bool(scores.control_signal[row]),
                "signal_months": [month_label(month) for month in signal_months],
                "funnel_position": positions[row],
                "reasons": department_reasons(facts, settings),
            }
        )
    departments = (
        pd.DataFrame(rows)
        .sort_values(["score", "department"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    # Equal scores share a rank (1, 2, 2, 4): a tie is no reason to put one department first.
    departments.insert(
        1, "rank", departments["score"].rank(method="min", ascending=False).astype(int)
    )

    names = [str(panel.departments[index]) for index in included]
    funnel = pd.DataFrame(
        {
            "department": names,
            "hours": hours,
            "harm_rate": scores.harm_rate,
            "city_harm_rate": scores.city_harm_rate,
            **limits,
            "funnel_position": positions,
        }
    )
    funnel_curve = pd.DataFrame({"hours": grid * HOURS_BASE, **curve})

    return Ranking(
        as_of=month_label(as_of),
        window=len(columns),
        city_harm_rate=float(scores.city_harm_rate),
        city_trir=float(_per_base(recordable.sum(), city_hours)),
        city_dart=float(_per_base(dart.sum(), city_hours)),
        departments=departments,
        city_monthly=_city_monthly(panel, scores, settings),
        department_monthly=_department_monthly(panel, scores, settings, names),
        funnel=funnel,
        funnel_curve=funnel_curve,
        settings=settings,
    )


def _city_monthly(
    panel: DepartmentMonthPanel, scores: DepartmentScores, settings: ScoringSettings
) -> pd.DataFrame:
    columns = scores.trend_columns
    hours = panel.hours[:, columns].sum(axis=0)
    cases = panel.harm_cases(settings)[:, columns].sum(axis=0)
    units = hours / HOURS_BASE
    city_rate = cases.sum() / units.sum() if units.sum() > 0 else 0.0
    centre = city_rate * scores.seasonal_factor[columns]
    limits = control_limits(cases[None, :], units[None, :], centre[None, :], settings)
    return pd.DataFrame(
        {
            "month": [month_label(panel.first_month + col) for col in columns],
            "hours": hours,
            "cases": panel.cases[:, columns].sum(axis=0).astype(int),
            "recordable_cases": panel.recordable[:, columns].sum(axis=0).astype(int),
            "harm_cases": cases.astype(int),
            "harm": panel.harm(settings)[:, columns].sum(axis=0),
            "trir": _per_base(panel.recordable[:, columns].sum(axis=0), hours),
            "case_rate": _per_base(cases, hours),
            "centre": limits.centre[0],
            "ucl": limits.upper[0],
            "lcl": limits.lower[0],
            "above_ucl": limits.above[0],
            "chart": str(limits.chart[0]),
        }
    )


def _department_monthly(
    panel: DepartmentMonthPanel,
    scores: DepartmentScores,
    settings: ScoringSettings,
    names: list[str],
) -> pd.DataFrame:
    columns = scores.window_columns
    included = scores.included
    n_departments, n_months = len(included), len(columns)
    hours = panel.hours[included][:, columns]
    cases = panel.harm_cases(settings)[included][:, columns]
    return pd.DataFrame(
        {
            "department": np.repeat(names, n_months),
            "month": np.tile(
                [month_label(panel.first_month + col) for col in columns], n_departments
            ),
            "hours": hours.ravel(),
            "cases": panel.cases[included][:, columns].ravel().astype(int),
            "recordable_cases": panel.recordable[included][:, columns].ravel().astype(int),
            "harm_cases": cases.ravel().astype(int),
            "harm": panel.harm(settings)[included][:, columns].ravel(),
            "case_rate": _per_base(cases, hours).ravel(),
            "centre": scores.limits.centre.ravel(),
            "ucl": scores.limits.upper.ravel(),
            "lcl": scores.limits.lower.ravel(),
            "above_ucl": scores.limits.above.ravel(),
            "chart": np.repeat(scores.limits.chart, n_months),
        }
    )


def rank_departments(
    incidents: pd.DataFrame,
    exposure: pd.DataFrame,
    *,
    as_of: str,
    window: int = 12,
    settings: ScoringSettings | None = None,
) -> Ranking:
    """Rank departments by risk as of a month (YYYY-MM), on a trailing window of months.

    incidents and exposure are frames in the formats `validate_incidents` and
    `validate_exposure` accept (raw text or typed values); they are validated here. Raises
    `ScoringInputError` with a one-line message for any problem in the inputs or arguments.
    """
    settings = settings or ScoringSettings()
    panel = build_panel(
        validate_incidents(incidents, source="incidents"),
        validate_exposure(exposure, source="exposure"),
    )
    return rank_panel(panel, parse_month(as_of), window, settings)
