"""Poisson trends with exposure, shrunk toward the citywide trend.

All departments are fitted in one scikit-learn `PoissonRegressor`: each department has its own
intercept and slope (one-hot columns and one-hot times time), the target is the observed count
divided by the expected count (exposure x seasonal factor x city rate), and the expected count is
the sample weight. That is the Poisson model log E[y] = log(expected) + a + b t, exposure entering
as an offset. The penalty is set to a weak prior (a standard deviation of 2 on the log scale) so
that a department with no events gets a finite fit instead of a runaway one.

A department's raw slope is noisy: a small department's twelve months say little. The slopes are
therefore shrunk toward the citywide slope by their standard errors, with the between-department
spread of true slopes estimated by the method of moments (fixed-mean DerSimonian-Laird).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor

from riskcabinet.scoring.threads import single_threaded

_PRIOR_SD = 2.0


def _fit(model: PoissonRegressor, design: np.ndarray, target: np.ndarray, weight: np.ndarray):
    with single_threaded(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(design, target, sample_weight=weight)


@dataclass(frozen=True, eq=False)
class TrendEstimates:
    """Per department: slopes in log units per year, raw and shrunk, with standard errors."""

    raw_slope: np.ndarray
    standard_error: np.ndarray
    shrunk_slope: np.ndarray
    city_slope: float
    between_variance: float


def _fit_city_slope(counts: np.ndarray, expected: np.ndarray, years: np.ndarray) -> float:
    keep = expected > 0
    if keep.sum() < 3 or counts[keep].sum() <= 0:
        return 0.0
    model = PoissonRegressor(alpha=1e-8, max_iter=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(years[keep, None], counts[keep] / expected[keep], sample_weight=expected[keep])
    return float(model.coef_[0])


def fit_trends(counts: np.ndarray, expected: np.ndarray, years: np.ndarray) -> TrendEstimates:
    """Fit and shrink per-department trends.

    counts, expected: arrays (departments, months); expected is the count the city rate and
    seasonality predict (zero where there is no exposure). years: time of each month in years,
    centred on the fitting span.
    """
    n_departments, n_months = counts.shape
    rows, columns = np.nonzero(expected > 0)
    raw = np.zeros(n_departments)
    standard_error = np.full(n_departments, np.inf)
    if len(rows) == 0:
        return TrendEstimates(raw, standard_error, raw.copy(), 0.0, 0.0)

    t = years[columns]
    design = np.zeros((len(rows), 2 * n_departments))
    design[np.arange(len(rows)), rows] = 1.0
    design[np.arange(len(rows)), n_departments + rows] = t
    weight = expected[rows, columns]
    target = counts[rows, columns] / weight
    # scikit-learn scales the deviance by the total sample weight, so a penalty alpha acts as a
    # normal prior with precision alpha * total weight on every coefficient.
    alpha = 1.0 / (_PRIOR_SD**2 * weight.sum())
    model = PoissonRegressor(
        alpha=alpha, fit_intercept=False, solver="newton-cholesky", max_iter=100, tol=1e-8
    )
    _fit(model, design, target, weight)
    intercept = model.coef_[:n_departments]
    raw = model.coef_[n_departments:].copy()

    # Standard error of each slope from the Fisher information of its own two parameters.
    fitted = weight * np.exp(intercept[rows] + raw[rows] * t)
    sum_mu = np.bincount(rows, weights=fitted, minlength=n_departments)
    sum_mu_t = np.bincount(rows, weights=fitted * t, minlength=n_departments)
    sum_mu_tt = np.bincount(rows, weights=fitted * t * t, minlength=n_departments)
    determinant = sum_mu * sum_mu_tt - sum_mu_t**2
    months_fitted = np.bincount(rows, minlength=n_departments)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.where(determinant > 1e-12, sum_mu / determinant, np.inf)
    variance = np.where(months_fitted >= 3, variance, np.inf)
    standard_error = np.sqrt(variance)

    city_slope = _fit_city_slope(counts.sum(axis=0), expected.sum(axis=0), years)
    deviation = raw - city_slope
    usable = np.isfinite(variance) & (variance > 0)
    between = 0.0
    if usable.sum() >= 3:
        precision = 1.0 / variance[usable]
        q_statistic = np.sum(precision * deviation[usable] ** 2)
        between = max(0.0, (q_statistic - usable.sum()) / precision.sum())
    with np.errstate(invalid="ignore"):
        keep_share = np.where(usable, between / (between + variance), 0.0)
    shrunk = city_slope + keep_share * deviation
    return TrendEstimates(raw, standard_error, shrunk, city_slope, between)
