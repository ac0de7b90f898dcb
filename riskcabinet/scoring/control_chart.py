"""Control limits for monthly rates: u-chart, Laney's u-prime and a rare-event chart.

* u-chart: centre u, limits u +/- 3 sqrt(u / exposure) for each month.
* Laney u-prime: when months vary more than Poisson noise allows (the spread of the monthly
  z-scores, measured by their average moving range / 1.128, exceeds a threshold), the limits are
  widened by that spread, so large units are not flagged every month.
* Rare-event chart for small units: when fewer than a couple of events a month are expected, the
  normal approximation behind the u-chart flags a single event. Exact Poisson probability limits
  (false-alarm probability 0.00135, the 3-sigma equivalent) are used instead. This takes the
  place of the g-chart the design names (the hours worked between events): it asks the same
  question, more events than the city's rate explains, of each month's count, so that every
  chart in the product is read month by month. It does not look for a run of short gaps that
  straddles two months, which a g-chart would.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

from riskcabinet.scoring.settings import ScoringSettings

CHART_U = "u"
CHART_U_PRIME = "u_prime"
CHART_RARE_EVENT = "rare_event"

CHART_NAMES = {
    CHART_U: "u-chart",
    CHART_U_PRIME: "Laney u'-chart",
    CHART_RARE_EVENT: "rare-event chart",
}

_MOVING_RANGE_CONSTANT = 1.128


@dataclass(frozen=True, eq=False)
class ControlLimits:
    """Per unit (row) and month (column): centre, limits and points above the upper limit."""

    chart: np.ndarray
    sigma_z: np.ndarray
    centre: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    above: np.ndarray


def laney_sigma_z(counts: np.ndarray, exposure: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Spread of the monthly z-scores per row, from the average moving range."""
    valid = exposure > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (counts / exposure - centre) / np.sqrt(centre / exposure)
    z = np.where(valid & np.isfinite(z), z, np.nan)
    moving_range = np.abs(np.diff(z, axis=1))
    with warnings.catch_warnings():
        # A row without two consecutive months has no moving range; it keeps a spread of 1.
        warnings.simplefilter("ignore", RuntimeWarning)
        average = np.nanmean(moving_range, axis=1)
    return np.where(np.isfinite(average), average / _MOVING_RANGE_CONSTANT, 1.0)


def control_limits(
    counts: np.ndarray, exposure: np.ndarray, centre: np.ndarray, settings: ScoringSettings
) -> ControlLimits:
    """Limits for rows of monthly counts over exposure, around an expected rate `centre`.

    All arrays are (units, months); `centre` is the rate each month is expected to have (the
    unit's baseline times the seasonal factor). Months without exposure get NaN limits.
    """
    counts = np.atleast_2d(counts)
    exposure = np.atleast_2d(exposure)
    centre = np.atleast_2d(centre)
    valid = exposure > 0
    expected = centre * exposure
    months = np.maximum(valid.sum(axis=1), 1)
    expected_per_month = np.where(valid, expected, 0.0).sum(axis=1) / months

    sigma_z = laney_sigma_z(counts, exposure, centre)
    rare = expected_per_month < settings.rare_event_expected_per_month
    laney = ~rare & (sigma_z > settings.laney_sigma_z_threshold)
    chart = np.where(rare, CHART_RARE_EVENT, np.where(laney, CHART_U_PRIME, CHART_U))

    widen = np.where(laney, sigma_z, 1.0)[:, None]
    safe_exposure = np.where(valid, exposure, 1.0)
    sigma = np.sqrt(centre / safe_exposure)
    upper = centre + settings.control_sigma * widen * sigma
    lower = np.maximum(centre - settings.control_sigma * widen * sigma, 0.0)

    upper_count = poisson.ppf(1 - settings.rare_event_alpha, expected)
    lower_count = poisson.ppf(settings.rare_event_alpha, expected)
    # A point is above the exact limit when its count exceeds the upper quantile.
    rare_rows = rare[:, None]
    upper = np.where(rare_rows, upper_count / safe_exposure, upper)
    lower = np.where(rare_rows, lower_count / safe_exposure, lower)
    rate = counts / safe_exposure
    above = np.where(rare_rows, counts > upper_count + 1e-9, rate > upper + 1e-12) & valid

    nan = np.full_like(upper, np.nan)
    return ControlLimits(
        chart=chart,
        sigma_z=sigma_z,
        centre=np.where(valid, centre, nan),
        upper=np.where(valid, upper, nan),
        lower=np.where(valid, lower, nan),
        above=above,
    )
