"""Empirical-Bayes gamma-Poisson shrinkage of department rates toward the citywide rate.

Each department's count y over exposure E is Poisson(theta * E), and the true rates theta are
drawn from a Gamma(shape, rate) prior shared by the city. The prior's mean is the pooled city
rate; its shape (how much departments truly differ) maximises the marginal (negative binomial)
likelihood, with the method-of-moments estimate as the fallback. The posterior mean
(shape + y) / (rate + E) then pulls a department toward the city in proportion to how little
exposure it has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

# Bounds on the log of the prior's shape: a shape of e**13 is "every department has the city's
# rate", one of e**-4 is "departments share almost nothing".
_LOG_SHAPE_BOUNDS = (-4.0, 13.0)
# The prior's shape when fewer than three departments have exposure.
_FEW_DEPARTMENTS_SHAPE = 1.0


@dataclass(frozen=True)
class GammaPrior:
    """Gamma prior on rates: mean = shape / rate, variance = shape / rate**2."""

    shape: float
    rate: float

    @property
    def mean(self) -> float:
        return self.shape / self.rate

    def posterior_mean(self, counts: np.ndarray, exposure: np.ndarray) -> np.ndarray:
        return (self.shape + counts) / (self.rate + exposure)

    def shrinkage_weight(self, exposure: np.ndarray) -> np.ndarray:
        """How much of the posterior comes from the department's own data (0 to 1)."""
        return exposure / (self.rate + exposure)


def _moments_shape(counts: np.ndarray, exposure: np.ndarray, mean: float) -> float:
    # Between-department variance of the true rates: exposure-weighted variance of the raw rates
    # less the part Poisson noise alone would produce.
    raw = counts / exposure
    spread = np.sum(exposure * (raw - mean) ** 2) / exposure.sum() - mean / exposure.mean()
    if spread <= 0:
        return float(np.exp(_LOG_SHAPE_BOUNDS[1]))
    return float(np.clip(mean**2 / spread, *np.exp(_LOG_SHAPE_BOUNDS)))


def fit_gamma_prior(counts: np.ndarray, exposure: np.ndarray) -> GammaPrior:
    """Fit the city's prior from counts and exposures (in any consistent units).

    Departments without exposure are ignored. With no events at all the prior is centred on a
    rate of zero's neighbourhood (a tiny mean) so that posteriors stay finite.
    """
    counts = np.asarray(counts, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    keep = exposure > 0
    counts, exposure = counts[keep], exposure[keep]
    total_exposure = exposure.sum()
    if total_exposure <= 0:
        return GammaPrior(shape=1.0, rate=1.0)
    pooled = counts.sum() / total_exposure
    if pooled <= 0:
        # Nothing happened anywhere: a prior worth half an event city-wide keeps rates finite.
        return GammaPrior(shape=0.5, rate=2 * total_exposure)
    if len(counts) < 3:
        # Two departments cannot say how far departments truly differ. Pooling them completely
        # would give both the city's rate whatever happened; a weak prior (worth one event at
        # the city's rate) leaves each its own rate and steadies only a department with almost
        # no exposure.
        return GammaPrior(shape=_FEW_DEPARTMENTS_SHAPE, rate=_FEW_DEPARTMENTS_SHAPE / pooled)

    # The mean is held at the pooled rate (the exposure-weighted mean the data fix closely) and
    # the shape, which sets how far departments are pulled, maximises the marginal likelihood.
    def negative_log_likelihood(log_shape: float) -> float:
        shape = np.exp(log_shape)
        rate = shape / pooled
        value = (
            gammaln(shape + counts)
            - gammaln(shape)
            + shape * np.log(rate)
            - (shape + counts) * np.log(rate + exposure)
        )
        return float(-value.sum())

    result = minimize_scalar(
        negative_log_likelihood,
        bounds=_LOG_SHAPE_BOUNDS,
        method="bounded",
        options={"xatol": 1e-3},
    )
    log_shape = (
        result.x if np.isfinite(result.x) else np.log(_moments_shape(counts, exposure, pooled))
    )
    shape = float(np.exp(log_shape))
    return GammaPrior(shape=shape, rate=shape / pooled)
