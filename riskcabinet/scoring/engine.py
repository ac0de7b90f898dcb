"""The scoring engine proper: level, trend and signals for every department as of one month.

It works on the department-month panel only, so the backtest can call it for every past month
cheaply. Presentation (tables, reasons, charts) lives in ranking.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskcabinet.scoring.aggregate import DepartmentMonthPanel
from riskcabinet.scoring.control_chart import ControlLimits, control_limits
from riskcabinet.scoring.settings import HOURS_BASE, ScoringSettings
from riskcabinet.scoring.shrinkage import GammaPrior, fit_gamma_prior
from riskcabinet.scoring.trend import TrendEstimates, fit_trends
from riskcabinet.scoring.validation import ScoringInputError, month_label

# Pseudo-events that pull each calendar month's seasonal factor toward 1.
_SEASONAL_PSEUDO_EVENTS = 5.0
# Months of history the seasonal factors are estimated from.
_SEASONAL_HISTORY_MONTHS = 36


@dataclass(frozen=True, eq=False)
class DepartmentScores:
    """Engine output for the departments with hours in the window (arrays in panel order).

    Rates are harm points per 200,000 hours unless named otherwise. `window_columns` and
    `trend_columns` index the panel's months.
    """

    as_of: int
    included: np.ndarray
    window_columns: np.ndarray
    trend_columns: np.ndarray
    harm_dispersion: float
    prior: GammaPrior
    seasonal_factor: np.ndarray
    hours: np.ndarray
    harm: np.ndarray
    harm_rate: np.ndarray
    shrunk_harm_rate: np.ndarray
    city_harm_rate: float
    trend: TrendEstimates
    limits: ControlLimits
    control_signal: np.ndarray
    recent_harm_rate: np.ndarray
    score: np.ndarray


def window_columns(panel: DepartmentMonthPanel, as_of: int, months: int) -> np.ndarray:
    """Panel columns of the `months` months ending at `as_of`, or a clear error."""
    if months < 1:
        raise ScoringInputError(f"--window must be at least 1 month, not {months}")
    if as_of < panel.first_month or as_of > panel.last_month:
        raise ScoringInputError(
            f"--as-of {month_label(as_of)} is outside the exposure data "
            f"({month_label(panel.first_month)} to {month_label(panel.last_month)})"
        )
    end = panel.column(as_of)
    start = end - months + 1
    if start < 0:
        raise ScoringInputError(
            f"--as-of {month_label(as_of)} with a {months}-month window needs exposure from "
            f"{month_label(as_of - months + 1)}, but it starts at {month_label(panel.first_month)}"
            f" (use a later --as-of or a shorter --window)"
        )
    return np.arange(start, end + 1)


def seasonal_factors(
    effective_cases: np.ndarray,
    units: np.ndarray,
    end: int,
    settings: ScoringSettings,
    first_month: int,
) -> np.ndarray:
    """Citywide factor per panel column (1 = an average month), from history up to `end`."""
    n_months = units.shape[1]
    start = max(0, end - _SEASONAL_HISTORY_MONTHS + 1)
    factors = np.ones(n_months)
    if end - start + 1 < settings.seasonality_min_months:
        return factors
    city_cases = effective_cases[:, start : end + 1].sum(axis=0)
    city_units = units[:, start : end + 1].sum(axis=0)
    if city_units.sum() <= 0 or city_cases.sum() <= 0:
        return factors
    rate = city_cases.sum() / city_units.sum()
    calendar = (first_month + np.arange(start, end + 1)) % 12
    cases_by_month = np.bincount(calendar, weights=city_cases, minlength=12)
    units_by_month = np.bincount(calendar, weights=city_units, minlength=12)
    by_calendar = (cases_by_month + _SEASONAL_PSEUDO_EVENTS) / (
        units_by_month * rate + _SEASONAL_PSEUDO_EVENTS
    )
    by_calendar /= by_calendar.mean()
    return by_calendar[(first_month + np.arange(n_months)) % 12]


def score_as_of(
    panel: DepartmentMonthPanel, as_of: int, window: int, settings: ScoringSettings
) -> DepartmentScores:
    """Level, trend, control signals and the composite score as of month index `as_of`."""
    columns = window_columns(panel, as_of, window)
    end = columns[-1]
    units_all = panel.hours / HOURS_BASE
    harm_all = panel.harm(settings)
    harm_squared_all = panel.harm_squared(settings)

    included = np.flatnonzero(panel.hours[:, columns].sum(axis=1) > 0)
    if len(included) == 0:
        raise ScoringInputError(
            f"no department has hours worked in the window to {month_label(as_of)}"
        )

    # Harm points are a weighted sum of Poisson counts, so their variance is the mean times
    # sum(w^2)/sum(w). Dividing by that dispersion gives "effective cases" that behave like
    # Poisson counts, which the gamma-Poisson and Poisson-regression machinery expects.
    window_harm = harm_all[:, columns].sum()
    dispersion = float(harm_squared_all[:, columns].sum() / window_harm) if window_harm > 0 else 1.0
    effective_all = harm_all / dispersion
    seasonal = seasonal_factors(effective_all, units_all, end, settings, panel.first_month)

    units = units_all[included][:, columns]
    effective = effective_all[included][:, columns]
    units_total = units.sum(axis=1)
    effective_total = effective.sum(axis=1)
    prior = fit_gamma_prior(effective_total, units_total)
    shrunk = prior.posterior_mean(effective_total, units_total)
    city_rate = effective_total.sum() / units_total.sum()

    # Trend over a longer span, with exposure and seasonality as the offset.
    trend_start = max(0, end - settings.trend_window_months + 1)
    trend_columns = np.arange(trend_start, end + 1)
    trend_units = units_all[included][:, trend_columns]
    trend_cases = effective_all[included][:, trend_columns]
    if len(trend_columns) >= settings.trend_min_months:
        years = (trend_columns - trend_columns.mean()) / 12.0
        expected = trend_units * seasonal[trend_columns] * max(city_rate, 1e-12)
        trend = fit_trends(trend_cases, expected, years)
    else:
        zeros = np.zeros(len(included))
        trend = TrendEstimates(zeros, np.full(len(included), np.inf), zeros.copy(), 0.0, 0.0)

    # Control charts over the window: the centre is the department's shrunk rate from the
    # months before the latest few, times the seasonal factor, so a recent shift stands out.
    lookback = min(settings.signal_lookback_months, len(columns) - 1)
    adjusted_units = units * seasonal[columns]
    base_cases = effective[:, : len(columns) - lookback].sum(axis=1)
    base_units = adjusted_units[:, : len(columns) - lookback].sum(axis=1)
    baseline = prior.posterior_mean(base_cases, base_units) if lookback > 0 else shrunk
    centre = baseline[:, None] * seasonal[columns][None, :]
    limits = control_limits(effective, units, centre, settings)
    signal = (
        limits.above[:, len(columns) - lookback :].any(axis=1)
        if lookback > 0
        else np.zeros(len(included), dtype=bool)
    )
    recent_cases = effective[:, len(columns) - max(lookback, 1) :].sum(axis=1)
    recent_units = adjusted_units[:, len(columns) - max(lookback, 1) :].sum(axis=1)
    recent = prior.posterior_mean(recent_cases, recent_units)

    level = np.where(
        signal,
        (1 - settings.signal_recent_weight) * shrunk + settings.signal_recent_weight * recent,
        shrunk,
    )
    # The level describes the middle of the window; project it to the quarter ahead.
    years_ahead = ((len(columns) - 1) / 2 + settings.projection_months_ahead) / 12.0
    score = level * np.exp(trend.shrunk_slope * years_ahead)

    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rate = np.where(units_total > 0, effective_total / units_total, 0.0)
    return DepartmentScores(
        as_of=as_of,
        included=included,
        window_columns=columns,
        trend_columns=trend_columns,
        harm_dispersion=dispersion,
        prior=prior,
        seasonal_factor=seasonal,
        hours=units_total * HOURS_BASE,
        harm=effective_total * dispersion,
        harm_rate=raw_rate * dispersion,
        shrunk_harm_rate=shrunk * dispersion,
        city_harm_rate=city_rate * dispersion,
        trend=trend,
        limits=limits,
        control_signal=signal,
        recent_harm_rate=recent * dispersion,
        score=score * dispersion,
    )
