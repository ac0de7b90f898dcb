"""Fixtures for the scoring tests: a simulator of cities with known latent injury rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskcabinet.scoring.settings import INCIDENT_TYPES, SEVERITIES

# Share of incidents at each rung of the severity ladder, worst first, for an average department.
_SEVERITY_MIX = np.array([0.0008, 0.012, 0.09, 0.08, 0.26, 0.33, 0.2272])
_TYPE_MIX = np.array([0.55, 0.2, 0.08, 0.07, 0.06, 0.04])
_HOURS_PER_PERSON_MONTH = 150.0


def simulate_city(
    seed: int,
    *,
    n_departments: int = 45,
    n_months: int = 60,
    start: str = "2021-01",
    city_rate_per_200k: float = 14.0,
    severity_weights: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame] | tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """A city with known latent rates: incidents and exposure frames in the scoring format.

    Departments range from a dozen people to ten thousand. Each has its own level, severity mix
    and incident-type mix; about half have a steady trend (up or down), some have a step change
    at a random month, every department follows a common seasonal cycle, and months vary a
    little more than Poisson noise (overdispersion).
    """
    rng = np.random.default_rng(seed)
    headcount = np.exp(rng.uniform(np.log(12), np.log(10_000), n_departments)).round()
    level = city_rate_per_200k * rng.lognormal(0.0, 0.5, n_departments)
    trending = rng.random(n_departments) < 0.5
    slope_per_year = np.where(trending, np.clip(rng.normal(0, 0.35, n_departments), -0.8, 0.8), 0)
    stepping = rng.random(n_departments) < 0.2
    step_month = rng.integers(12, n_months, n_departments)
    step_factor = np.where(stepping, np.exp(rng.normal(0, 0.6, n_departments)), 1.0)

    months = np.arange(n_months)
    seasonal = 1 + 0.2 * np.sin(2 * np.pi * (months - rng.integers(0, 12)) / 12)
    years = (months - n_months / 2) / 12
    multiplier = (
        np.exp(slope_per_year[:, None] * years[None, :])
        * np.where(months[None, :] >= step_month[:, None], step_factor[:, None], 1.0)
        * seasonal[None, :]
        * rng.gamma(100, 1 / 100, (n_departments, n_months))
    )
    hours = (
        headcount[:, None]
        * _HOURS_PER_PERSON_MONTH
        * rng.uniform(0.95, 1.05, (n_departments, n_months))
    )
    expected = level[:, None] * multiplier * hours / 200_000
    counts = rng.poisson(expected)

    month_starts = pd.period_range(start, periods=n_months, freq="M").to_timestamp()
    department_names = np.array([f"Department {index + 1:02d}" for index in range(n_departments)])
    exposure = pd.DataFrame(
        {
            "department": np.repeat(department_names, n_months),
            "month": np.tile(month_starts.strftime("%Y-%m"), n_departments),
            "hours_worked": hours.ravel().round(1),
            "headcount": np.repeat(headcount, n_months),
        }
    )

    department = np.repeat(np.repeat(np.arange(n_departments), n_months), counts.ravel())
    month = np.repeat(np.tile(months, n_departments), counts.ravel())
    severity_mix = rng.dirichlet(_SEVERITY_MIX * 80, n_departments)
    type_mix = rng.dirichlet(_TYPE_MIX * 30, n_departments)
    severity = (rng.random(len(department))[:, None] > np.cumsum(severity_mix, 1)[department]).sum(
        1
    )
    incident_type = (rng.random(len(department))[:, None] > np.cumsum(type_mix, 1)[department]).sum(
        1
    )
    severity = np.minimum(severity, len(SEVERITIES) - 1)
    incident_type = np.minimum(incident_type, len(INCIDENT_TYPES) - 1)
    days_in_month = month_starts.days_in_month.to_numpy()[month]
    occurred_on = month_starts.to_numpy()[month] + (
        (rng.random(len(month)) * days_in_month).astype(int) * np.timedelta64(1, "D")
    )
    severity_names = np.array(SEVERITIES)[severity]
    days_away = np.where(
        np.isin(severity_names, ["hospitalization", "days_away"]), rng.geometric(0.1, len(month)), 0
    )
    days_restricted = np.where(severity_names == "restricted", rng.geometric(0.15, len(month)), 0)
    incidents = pd.DataFrame(
        {
            "department": department_names[department],
            "occurred_on": occurred_on,
            "severity": severity_names,
            "recordable": severity < SEVERITIES.index("first_aid"),
            "days_away": days_away,
            "days_restricted": days_restricted,
            "incident_type": np.array(INCIDENT_TYPES)[incident_type],
        }
    )
    if severity_weights is None:
        return incidents, exposure
    # The latent harm rate per 200,000 hours of each department-month, for checking the engine.
    weights = np.array([severity_weights[name] for name in SEVERITIES])
    latent_harm_rate = level[:, None] * multiplier * (severity_mix @ weights)[:, None]
    return incidents, exposure, latent_harm_rate


@pytest.fixture
def city() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One simulated city (seed 7): incidents and exposure frames."""
    return simulate_city(7)


@pytest.fixture
def city_simulator():
    """The simulator itself, for tests that need many cities."""
    return simulate_city
