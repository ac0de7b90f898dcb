"""The statistical parts on their own: shrinkage, trend, control limits, funnel."""

import numpy as np

from riskcabinet.scoring.control_chart import CHART_RARE_EVENT, CHART_U_PRIME, control_limits
from riskcabinet.scoring.funnel import funnel_limits
from riskcabinet.scoring.settings import ScoringSettings
from riskcabinet.scoring.shrinkage import fit_gamma_prior
from riskcabinet.scoring.trend import fit_trends


def test_it_pulls_small_departments_further_toward_the_city_than_large_ones():
    rng = np.random.default_rng(1)
    exposure = np.concatenate([np.full(20, 0.05), np.full(20, 50.0)])
    counts = rng.poisson(5 * rng.gamma(4, 1 / 4, 40) * exposure).astype(float)

    prior = fit_gamma_prior(counts, exposure)

    raw = counts / exposure
    shrunk = prior.posterior_mean(counts, exposure)
    pull = np.abs(shrunk - raw) / np.maximum(np.abs(raw - prior.mean), 1e-9)
    assert pull[:20].mean() > 0.8
    assert pull[20:].mean() < 0.2


def test_it_finds_a_strong_trend_and_shrinks_a_noisy_one_toward_the_city():
    rng = np.random.default_rng(2)
    months = np.arange(24)
    years = (months - months.mean()) / 12
    exposure = np.vstack([np.full(24, 20.0), np.full(24, 0.05)] + [np.full(24, 5.0)] * 8)
    slopes = np.array([0.7, 0.7] + [0.0] * 8)
    counts = rng.poisson(5 * exposure * np.exp(slopes[:, None] * years)).astype(float)

    trend = fit_trends(counts, 5 * exposure, years)

    assert abs(trend.raw_slope[0] - 0.7) < 0.15
    assert abs(trend.raw_slope[0]) > 1.96 * trend.standard_error[0]
    assert abs(trend.shrunk_slope[1] - trend.city_slope) < abs(
        trend.raw_slope[1] - trend.city_slope
    )


def test_it_widens_limits_for_overdispersed_large_units_and_uses_exact_limits_for_small_ones():
    rng = np.random.default_rng(3)
    settings = ScoringSettings()
    exposure = np.vstack([np.full(12, 500.0), np.full(12, 0.02)])
    wobble = np.exp(rng.normal(0, 0.3, 12))
    counts = np.vstack([rng.poisson(5 * 500 * wobble), rng.poisson(5 * 0.02, 12)]).astype(float)

    limits = control_limits(counts, exposure, np.full((2, 12), 5.0), settings)

    assert limits.chart[0] == CHART_U_PRIME
    assert limits.chart[1] == CHART_RARE_EVENT
    assert not limits.above[0].any()
    # One case in a tiny unit is not a signal on the exact chart.
    one_case = counts.copy()
    one_case[1, -1] = 1
    assert not control_limits(one_case, exposure, np.full((2, 12), 5.0), settings).above[1, -1]


def test_it_narrows_the_funnel_as_exposure_grows():
    limits = funnel_limits(5.0, np.array([1.0, 10.0, 100.0]), (0.95, 0.998))

    width = limits["upper_99.8"] - limits["lower_99.8"]
    assert width[0] > width[1] > width[2]
    assert (limits["lower_95"] <= 5.0).all()
    assert (limits["upper_95"] >= 5.0).all()
