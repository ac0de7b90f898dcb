"""Department-by-month aggregation: the one pass over incident rows.

Everything after this works on small arrays of shape (departments, months), so ranking a million
incidents costs little more than ranking a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcabinet.scoring.settings import INCIDENT_TYPES, SEVERITIES, ScoringSettings
from riskcabinet.scoring.validation import ScoringInputError, month_label

_RECORDABLE_DART_SEVERITIES = ("days_away", "restricted")


@dataclass(frozen=True, eq=False)
class DepartmentMonthPanel:
    """Counts and hours per department (rows) and month (columns), months consecutive.

    `by_severity` and `by_type` add a last axis in the order of SEVERITIES and INCIDENT_TYPES.
    """

    departments: np.ndarray
    first_month: int
    hours: np.ndarray
    headcount: np.ndarray
    has_exposure: np.ndarray
    cases: np.ndarray
    recordable: np.ndarray
    dart: np.ndarray
    lost_workdays: np.ndarray
    by_severity: np.ndarray
    by_type: np.ndarray

    @property
    def n_months(self) -> int:
        return self.hours.shape[1]

    @property
    def last_month(self) -> int:
        return self.first_month + self.n_months - 1

    def column(self, month: int) -> int:
        return month - self.first_month

    def harm(self, settings: ScoringSettings) -> np.ndarray:
        """Severity-weighted harm points per department-month."""
        weights = np.array([settings.severity_weights[name] for name in SEVERITIES])
        return self.by_severity @ weights

    def harm_cases(self, settings: ScoringSettings) -> np.ndarray:
        """Cases whose severity carries harm (every case except near misses and the like)."""
        weights = np.array([settings.severity_weights[name] for name in SEVERITIES])
        return self.by_severity[..., weights > 0].sum(axis=-1)

    def harm_squared(self, settings: ScoringSettings) -> np.ndarray:
        """Sum of squared case weights, for the dispersion of harm points."""
        weights = np.array([settings.severity_weights[name] for name in SEVERITIES])
        return self.by_severity @ (weights**2)


def build_panel(
    incidents: pd.DataFrame, exposure: pd.DataFrame, *, incidents_source: str = "incidents"
) -> DepartmentMonthPanel:
    """Aggregate validated incidents and exposure (see validation) into a panel.

    Every incident must fall in a department-month that has an exposure row, since a rate needs
    the hours behind it; the first one that does not is reported by its data row.
    """
    departments = np.array(sorted(exposure["department"].unique()), dtype=object)
    first_month = int(exposure["month"].min())
    last_month = int(exposure["month"].max())
    n_departments = len(departments)
    n_months = last_month - first_month + 1
    size = n_departments * n_months

    exposure_department = pd.Categorical(
        exposure["department"], categories=departments
    ).codes.astype(np.int64)
    exposure_key = exposure_department * n_months + (exposure["month"].to_numpy() - first_month)
    hours = np.bincount(exposure_key, weights=exposure["hours_worked"].to_numpy(), minlength=size)
    headcount = np.bincount(exposure_key, weights=exposure["headcount"].to_numpy(), minlength=size)
    has_exposure = np.zeros(size, dtype=bool)
    has_exposure[exposure_key] = True

    incident_department = pd.Index(departments).get_indexer(incidents["department"])
    unknown = incident_department < 0
    if unknown.any():
        position = int(np.flatnonzero(unknown)[0])
        raise ScoringInputError(
            f"{incidents_source}, data row {position + 1}, column 'department': "
            f"'{incidents['department'].iloc[position]}' has no rows in the exposure file"
        )
    incident_month = incidents["month"].to_numpy() - first_month
    outside = (incident_month < 0) | (incident_month >= n_months)
    key = incident_department.astype(np.int64) * n_months + np.clip(incident_month, 0, n_months - 1)
    uncovered = outside | ~has_exposure[key]
    if uncovered.any():
        position = int(np.flatnonzero(uncovered)[0])
        raise ScoringInputError(
            f"{incidents_source}, data row {position + 1}, column 'occurred_on': department "
            f"'{incidents['department'].iloc[position]}' has no exposure row for "
            f"{month_label(incidents['month'].iloc[position])}"
        )

    severity = incidents["severity"]
    severity_code = np.asarray(
        severity.cat.codes if hasattr(severity, "cat") else pd.Categorical(severity).codes
    ).astype(np.int64)
    incident_type = incidents["incident_type"]
    type_code = np.asarray(
        incident_type.cat.codes
        if hasattr(incident_type, "cat")
        else pd.Categorical(incident_type).codes
    ).astype(np.int64)
    recordable = incidents["recordable"].to_numpy(dtype=bool)
    days_away = incidents["days_away"].to_numpy(dtype=float)
    days_restricted = incidents["days_restricted"].to_numpy(dtype=float)
    dart_severity = np.isin(
        severity_code, [SEVERITIES.index(name) for name in _RECORDABLE_DART_SEVERITIES]
    )
    dart = recordable & (dart_severity | (days_away > 0) | (days_restricted > 0))

    by_severity = np.bincount(
        key * len(SEVERITIES) + severity_code, minlength=size * len(SEVERITIES)
    ).reshape(n_departments, n_months, len(SEVERITIES))
    by_type = np.bincount(
        key * len(INCIDENT_TYPES) + type_code, minlength=size * len(INCIDENT_TYPES)
    ).reshape(n_departments, n_months, len(INCIDENT_TYPES))

    def per_cell(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(key, weights=weights, minlength=size).reshape(n_departments, n_months)

    return DepartmentMonthPanel(
        departments=departments,
        first_month=first_month,
        hours=hours.reshape(n_departments, n_months),
        headcount=headcount.reshape(n_departments, n_months),
        has_exposure=has_exposure.reshape(n_departments, n_months),
        cases=per_cell(None),
        recordable=per_cell(recordable.astype(float)),
        dart=per_cell(dart.astype(float)),
        lost_workdays=per_cell(days_away + days_restricted),
        by_severity=by_severity.astype(float),
        by_type=by_type.astype(float),
    )
