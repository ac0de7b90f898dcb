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

    Harm rates are harm points per 200,000 hours; case rates (`prior`, `city_case_rate`,
    `recent_case_rate`, `projected_case_rate`, the control limits) count cases with harm per
    200,000 hours. `window_columns` and `trend_columns` index the panel's months.
    """

    as_of: int
    included: np.ndarray
    window_columns: np.ndarray
    trend_columns: np.ndarray
    prior: GammaPrior
    seasonal_factor: np.ndarray
    hours: np.ndarray
    harm: np.ndarray
    harm_cases: np.ndarray
    harm_per_case: np.ndarray
    harm_rate: np.ndarray
    eb_harm_rate: np.ndarray
    shrunk_harm_rate: np.ndarray
    city_harm_rate: float
    city_case_rate: float
    trend: TrendEstimates
    limits: ControlLimits
    control_signal: np.ndarray
    recent_case_rate: np.ndarray
    projected_case_rate: np.ndarray
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
    cases_all = panel.harm_cases(settings)

    included = np.flatnonzero(panel.hours[:, columns].sum(axis=1) > 0)
    if len(included) == 0:
        raise ScoringInputError(
            f"no department has hours worked in the window to {month_label(as_of)}"
        )
    units = units_all[included][:, columns]
    units_total = units.sum(axis=1)
    harm_total = harm_all[included][:, columns].sum(axis=1)
    cases = cases_all[included][:, columns]
    cases_total = cases.sum(axis=1)

    # The plain empirical-Bayes harm rate (the `eb_rate` baseline). Harm points are a weighted
    # sum of Poisson counts, so their variance is the mean times sum(w^2)/sum(w); dividing by
    # that dispersion gives "effective cases" that behave like Poisson counts.
    window_harm = harm_total.sum()
    dispersion = (
        float(panel.harm_squared(settings)[included][:, columns].sum() / window_harm)
        if window_harm > 0
        else 1.0
    )
    harm_prior = fit_gamma_prior(harm_total / dispersion, units_total)
    eb_harm_rate = harm_prior.posterior_mean(harm_total / dispersion, units_total) * dispersion

    # The engine's level splits the harm rate into how often people are hurt (every case with
    # harm, shrunk by the gamma-Poisson prior) and how badly (harm points per case, shrunk toward
    # the city's mix). Frequency rests on every case and severity on the city's experience, so a
    # single serious case moves a small department less than it moves the plain harm rate.
    prior = fit_gamma_prior(cases_total, units_total)
    frequency = prior.posterior_mean(cases_total, units_total)
    city_harm_per_case = window_harm / cases_total.sum() if cases_total.sum() > 0 else 0.0
    harm_per_case = (harm_total + settings.severity_prior_cases * city_harm_per_case) / (
        cases_total + settings.severity_prior_cases
    )
    shrunk_harm_rate = frequency * harm_per_case
    city_case_rate = cases_total.sum() / units_total.sum()

    seasonal = seasonal_factors(cases_all, units_all, end, settings, panel.first_month)

    # Trend over a longer span, with exposure and seasonality as the offset.
    trend_start = max(0, end - settings.trend_window_months + 1)
    trend_columns = np.arange(trend_start, end + 1)
    if len(trend_columns) >= settings.trend_min_months:
        years = (trend_columns - trend_columns.mean()) / 12.0
        expected = (
            units_all[included][:, trend_columns]
            * seasonal[trend_columns]
            * max(city_case_rate, 1e-12)
        )
        trend = fit_trends(cases_all[included][:, trend_columns], expected, years)
    else:
        zeros = np.zeros(len(included))
        trend = TrendEstimates(zeros, np.full(len(included), np.inf), zeros.copy(), 0.0, 0.0)

    # Control charts of monthly case rates over the window: the centre is the department's
    # shrunk rate from the months before the latest few, times the seasonal factor, so that a
    # recent shift stands out against what came before.
    lookback = min(settings.signal_lookback_months, len(columns) - 1)
    adjusted_units = units * seasonal[columns]
    split = len(columns) - max(lookback, 1)
    baseline = (
        prior.posterior_mean(cases[:, :split].sum(axis=1), adjusted_units[:, :split].sum(axis=1))
        if lookback > 0
        else frequency
    )
    centre = baseline[:, None] * seasonal[columns][None, :]
    limits = control_limits(cases, units, centre, settings)
    signal = (
        limits.above[:, split:].any(axis=1) if lookback > 0 else np.zeros(len(included), dtype=bool)
    )
    # The score's level: every month of the trend span is re-expressed at the projection month
    # (its exposure scaled by the seasonal factor and by the shrunk trend over the months between),
    # and the projected rate is shrunk toward the city's projection by a gamma-Poisson prior. Using
    # the whole span keeps the level and the slope from sharing the same recent noise.
    target = end + settings.projection_months_ahead
    slope = trend.shrunk_slope if settings.use_trend else np.zeros(len(included))
    months_to_target = (target - trend_columns)[None, :] / 12.0
    projected_units = (
        units_all[included][:, trend_columns]
        * seasonal[trend_columns]
        * np.exp(-slope[:, None] * months_to_target)
    ).sum(axis=1)
    trend_cases = cases_all[included][:, trend_columns].sum(axis=1)
    projected = fit_gamma_prior(trend_cases, projected_units).posterior_mean(
        trend_cases, projected_units
    )
    # A current control-chart signal suggests the rate has moved, so the latest months get a
    # named share of the level. Their rate is shrunk toward the department's own projection
    # (not the city's), with the prior's strength.
    recent = (prior.rate * projected + cases[:, split:].sum(axis=1)) / (
        prior.rate + adjusted_units[:, split:].sum(axis=1)
    )
    if settings.use_control_signals:
        projected = np.where(
            signal,
            (1 - settings.signal_recent_weight) * projected
            + settings.signal_recent_weight * recent,
            projected,
        )
    score = projected * harm_per_case
    projected_case_rate = projected

    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rate = np.where(units_total > 0, harm_total / units_total, 0.0)
    return DepartmentScores(
        as_of=as_of,
        included=included,
        window_columns=columns,
        trend_columns=trend_columns,
        prior=prior,
        seasonal_factor=seasonal,
        hours=units_total * HOURS_BASE,
        harm=harm_total,
        harm_cases=cases_total,
        harm_per_case=harm_per_case,
        harm_rate=raw_rate,
        eb_harm_rate=eb_harm_rate,
        shrunk_harm_rate=shrunk_harm_rate,
        city_harm_rate=window_harm / units_total.sum(),
        city_case_rate=city_case_rate,
        trend=trend,
        limits=limits,
        control_signal=signal,
        recent_case_rate=recent,
        projected_case_rate=projected_case_rate,
        score=score,
    )
