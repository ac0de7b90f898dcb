"""Reads for the cabinet: the database as the plain frames the scoring engine takes."""

from datetime import date

import pandas as pd

from incidents.models import Incident, Severity
from riskcabinet.models import ExposureMonth

# An untriaged case counts as recordable by its reported severity until an officer decides.
RECORDABLE_BY_SEVERITY = {
    Severity.FATALITY,
    Severity.HOSPITALIZATION,
    Severity.DAYS_AWAY,
    Severity.RESTRICTED,
    Severity.MEDICAL,
}

INCIDENT_COLUMNS = [
    "department",
    "occurred_on",
    "severity",
    "recordable",
    "days_away",
    "days_restricted",
    "incident_type",
    "oiics_event",
]
EXPOSURE_COLUMNS = ["department", "month", "hours_worked", "headcount"]


def incident_frame(*, until: date | None = None) -> pd.DataFrame:
    """One row per incident (merged duplicates excluded) in the scoring engine's format."""
    incidents = Incident.objects.filter(merged_into__isnull=True)
    if until is not None:
        incidents = incidents.filter(occurred_at__date__lte=until)
    rows = incidents.values_list(
        "department__code",
        "occurred_at",
        "severity",
        "recordable",
        "days_away",
        "days_restricted",
        "incident_type",
        "oiics_event",
    ).order_by("pk")
    frame = pd.DataFrame.from_records(list(rows), columns=INCIDENT_COLUMNS)
    if frame.empty:
        return frame
    occurred = pd.to_datetime(frame["occurred_on"], utc=True).dt.tz_convert("America/Los_Angeles")
    frame["occurred_on"] = occurred.dt.strftime("%Y-%m-%d")
    undecided = frame["recordable"].isna()
    frame.loc[undecided, "recordable"] = frame.loc[undecided, "severity"].isin(
        [s.value for s in RECORDABLE_BY_SEVERITY]
    )
    frame["recordable"] = frame["recordable"].astype(bool)
    return frame


def exposure_frame() -> pd.DataFrame:
    rows = ExposureMonth.objects.values_list(
        "department__code", "month", "hours_worked", "headcount"
    ).order_by("department__code", "month")
    frame = pd.DataFrame.from_records(list(rows), columns=EXPOSURE_COLUMNS)
    if frame.empty:
        return frame
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    frame["hours_worked"] = frame["hours_worked"].astype(float)
    return frame
