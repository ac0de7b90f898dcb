"""Converting OSHA's Severe Injury Reports file to the incidents format.

Each row of OSHA's file is one event an employer reported under 29 CFR 1904.39 (in-patient
hospitalisation, amputation or loss of an eye). The conversion:

* department = State (as published, trailing spaces stripped);
* one incident per employee: max(Hospitalized, Amputation, 1) incidents per row, since the counts
  are of employees and a row with neither count is a loss of an eye;
* severity "hospitalization" for all of them: amputation and loss of an eye sit on the same rung
  of the severity ladder as in-patient hospitalisation;
* recordable true, incident_type injury_illness, days_away and days_restricted 0 (not published).

The file carries no hours worked, so `uniform_exposure` gives every state the same hours in every
month (200,000 by default): rates are then counts per state-month, which ranks states by volume
of severe reports, not by risk per worker. Supply real employment hours to rank by risk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from riskcabinet.scoring.validation import ScoringInputError, read_csv_file

OSHA_COLUMNS = ("EventDate", "State", "Hospitalized", "Amputation")


def read_osha_severe_injuries(path: str | Path) -> pd.DataFrame:
    """Read OSHA's Severe Injury Reports CSV as text columns (with the usual checks)."""
    return read_csv_file(path)


def osha_severe_injuries_to_incidents(
    frame: pd.DataFrame, source: str = "severe injury reports"
) -> pd.DataFrame:
    """Incidents (department, occurred_on, severity, recordable, days_away, days_restricted,
    incident_type) from a Severe Injury Reports frame, one row per employee."""
    missing = [column for column in OSHA_COLUMNS if column not in frame.columns]
    if missing:
        raise ScoringInputError(f"{source}, header (line 1): missing column '{missing[0]}'")
    employees = np.ones(len(frame), dtype=np.int64)
    for column in ("Hospitalized", "Amputation"):
        text = frame[column].astype(str).str.strip()
        counts = pd.to_numeric(text.where(text != "", "0"), errors="coerce")
        bad = counts.isna().to_numpy() | (counts.to_numpy() < 0)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise ScoringInputError(
                f"{source}, data row {position + 1}, column '{column}': "
                f"expected a count, found '{text.iloc[position]}'"
            )
        employees = np.maximum(employees, counts.to_numpy().astype(np.int64))
    rows = np.repeat(np.arange(len(frame)), employees)
    return pd.DataFrame(
        {
            "department": frame["State"].astype(str).str.strip().to_numpy()[rows],
            "occurred_on": frame["EventDate"].astype(str).str.strip().to_numpy()[rows],
            "severity": "hospitalization",
            "recordable": True,
            "days_away": 0,
            "days_restricted": 0,
            "incident_type": "injury_illness",
        }
    )


def uniform_exposure(incidents: pd.DataFrame, hours_per_month: float = 200_000.0) -> pd.DataFrame:
    """The same hours for every department in every month from the first incident to the last."""
    months = pd.to_datetime(incidents["occurred_on"], format="%Y-%m-%d").dt.to_period("M")
    span = pd.period_range(months.min(), months.max(), freq="M").strftime("%Y-%m")
    departments = sorted(incidents["department"].unique())
    return pd.DataFrame(
        {
            "department": np.repeat(departments, len(span)),
            "month": np.tile(span, len(departments)),
            "hours_worked": hours_per_month,
            # Full-time people working 2,000 hours a year.
            "headcount": hours_per_month * 12 / 2000.0,
        }
    )
