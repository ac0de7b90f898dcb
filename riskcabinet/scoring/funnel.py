"""Funnel plot limits: how far a department's rate may sit from the city's by chance alone.

For a department with exposure E and the city rate r, the count is Poisson(r E) if it were
average. The limits are Poisson quantiles interpolated to be smooth in E (Spiegelhalter, 2005),
divided by E, so they narrow like a funnel as exposure grows.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import poisson


def poisson_rate_limit(city_rate: float, exposure: np.ndarray, probability: float) -> np.ndarray:
    """The rate below which a share `probability` of average departments of this size fall."""
    exposure = np.asarray(exposure, dtype=float)
    mean = city_rate * exposure
    quantile = poisson.ppf(probability, mean)
    at = poisson.cdf(quantile, mean)
    below = poisson.cdf(quantile - 1, mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at > below, (at - probability) / (at - below), 0.0)
        limit = np.maximum(quantile - step, 0.0) / exposure
    return np.where(exposure > 0, limit, np.nan)


def funnel_limits(city_rate: float, exposure: np.ndarray, coverages: tuple[float, ...]) -> dict:
    """Lower and upper limits for each two-sided coverage, keyed e.g. 'upper_95', 'lower_99.8'."""
    limits = {}
    for coverage in coverages:
        label = f"{coverage * 100:g}"
        tail = (1 - coverage) / 2
        limits[f"lower_{label}"] = poisson_rate_limit(city_rate, exposure, tail)
        limits[f"upper_{label}"] = poisson_rate_limit(city_rate, exposure, 1 - tail)
    return limits
