"""The OSHA severe-injury reports as labelled training and evaluation data.

The split is by date, never at random: the coder learns from reports before
``HELD_OUT_START`` and is judged only on reports from that day on, the way it will meet new
reports in production. A validation slice at the end of the training period tunes the
temperature, the auto-accept threshold and the hierarchy choice, so the test period is never
looked at while training.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd

from riskcabinet.autocode.labels import FIELDS, codes_for_titles

OSHA_CSV = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "osha"
    / "severe_injury_reports_2015-01_to_2017-02.csv"
)
HELD_OUT_START = date(2016, 7, 1)
VALIDATION_START = date(2016, 3, 1)

_TITLE_COLUMNS = {"event": "EventTitle", "nature": "NatureTitle", "part": "Part of Body Title"}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_reports(path: Path = OSHA_CSV) -> pd.DataFrame:
    """One row per report: ``event_date``, ``narrative`` and one OIICS code column per field.

    A code is missing where the published title matches no OIICS title; such rows are
    dropped for that field only.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "event_date": pd.to_datetime(raw["EventDate"]).dt.date,
            "narrative": raw["Final Narrative"].str.strip(),
        }
    )
    for field in FIELDS:
        frame[field] = codes_for_titles(field, raw[_TITLE_COLUMNS[field]])
    return frame


def training_part(reports: pd.DataFrame) -> pd.DataFrame:
    return reports[reports["event_date"] < HELD_OUT_START].reset_index(drop=True)


def held_out_part(reports: pd.DataFrame) -> pd.DataFrame:
    return reports[reports["event_date"] >= HELD_OUT_START].reset_index(drop=True)
