"""Bad input files give one clear line and exit status 2, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from riskcabinet.scoring.cli import main

INCIDENTS_HEADER = (
    "department,occurred_on,severity,recordable,days_away,days_restricted,incident_type"
)
GOOD_INCIDENT = "Fire,2024-03-05,medical,true,0,0,injury_illness"


def _exposure_text() -> str:
    rows = [
        f"{name},2024-{month:02d},10000,60" for name in ("Fire", "Parks") for month in range(1, 13)
    ]
    return "department,month,hours_worked,headcount\n" + "\n".join(rows) + "\n"


def _run(tmp_path: Path, incidents: bytes | str, exposure: str | None = None, *extra: str):
    incidents_path = tmp_path / "incidents.csv"
    exposure_path = tmp_path / "exposure.csv"
    if isinstance(incidents, str):
        incidents = incidents.encode()
    incidents_path.write_bytes(incidents)
    exposure_path.write_text(exposure if exposure is not None else _exposure_text())
    arguments = ["rank", "--incidents", str(incidents_path), "--exposure", str(exposure_path)]
    return main([*arguments, "--as-of", "2024-12", *extra])


@pytest.mark.parametrize(
    ("incidents", "expected"),
    [
        (
            "department,occurred_on,severity,recordable,days_away,incident_type\n"
            "Fire,2024-03-05,medical,true,0,injury_illness\n",
            "incidents.csv, header (line 1): missing column 'days_restricted'",
        ),
        (
            f"{INCIDENTS_HEADER}\n{GOOD_INCIDENT}\nFire,2024-03-06,severe,true,0,0,injury_illness\n",
            "incidents.csv, data row 2, column 'severity': unknown value 'severe'",
        ),
        (
            f"{INCIDENTS_HEADER}\nFire,2024-02-30,medical,true,0,0,injury_illness\n",
            "incidents.csv, data row 1, column 'occurred_on': bad date '2024-02-30'",
        ),
        (
            f"{INCIDENTS_HEADER}\nFire,2024-03-05,medical,maybe,0,0,injury_illness\n",
            "incidents.csv, data row 1, column 'recordable': expected true or false",
        ),
        (
            f"{INCIDENTS_HEADER}\nFire,2024-03-05,medical,true,-3,0,injury_illness\n",
            "incidents.csv, data row 1, column 'days_away': negative number -3",
        ),
        (
            f"{INCIDENTS_HEADER}\nFire,2024-03-05,medical,true,0,1e49,injury_illness\n",
            "incidents.csv, data row 1, column 'days_restricted': 1e+49 is more than 3650; "
            "check the unit",
        ),
        (
            f"{INCIDENTS_HEADER}\nFire,2024-03-05,medical,true,0,0,fall\n",
            "incidents.csv, data row 1, column 'incident_type': unknown value 'fall'",
        ),
        (
            f"{INCIDENTS_HEADER}\nPolice,2024-03-05,medical,true,0,0,injury_illness\n",
            "incidents.csv, data row 1, column 'department': 'Police' has no rows in the exposure",
        ),
        ("", "incidents.csv: the file is empty"),
        (f"{INCIDENTS_HEADER}\n", "incidents.csv: the file has a header but no data rows"),
        (
            f"{INCIDENTS_HEADER}\n".encode()
            + b"Caf\xe9,2024-03-05,medical,true,0,0,injury_illness\n",
            "incidents.csv, line 2: the file is not UTF-8 text",
        ),
    ],
)
def test_it_names_the_file_row_and_column_of_a_bad_incident(tmp_path, capsys, incidents, expected):
    status = _run(tmp_path, incidents)

    error = capsys.readouterr().err
    assert status == 2
    assert expected in error
    assert error.count("\n") == 1


def test_it_refuses_negative_hours_in_exposure(tmp_path, capsys):
    exposure = _exposure_text().replace("Parks,2024-04,10000", "Parks,2024-04,-10000")

    status = _run(tmp_path, f"{INCIDENTS_HEADER}\n{GOOD_INCIDENT}\n", exposure)

    assert status == 2
    assert "exposure.csv, data row 16, column 'hours_worked': negative number" in (
        capsys.readouterr().err
    )


def test_it_refuses_a_bad_exposure_month(tmp_path, capsys):
    exposure = _exposure_text().replace("Fire,2024-02,", "Fire,Feb 2024,")

    status = _run(tmp_path, f"{INCIDENTS_HEADER}\n{GOOD_INCIDENT}\n", exposure)

    assert status == 2
    assert "exposure.csv, data row 2, column 'month': bad date 'Feb 2024' (expected YYYY-MM)" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--as-of", "2025-06"), "--as-of 2025-06 is outside the exposure data"),
        (("--as-of", "June"), "--as-of: bad month 'June'"),
        (("--window", "13"), "needs exposure from 2023-12"),
    ],
)
def test_it_refuses_a_month_or_window_outside_the_data(tmp_path, capsys, extra, expected):
    status = _run(tmp_path, f"{INCIDENTS_HEADER}\n{GOOD_INCIDENT}\n", None, *extra)

    assert status == 2
    assert expected in capsys.readouterr().err


def test_it_exits_2_without_a_traceback_when_run_as_a_module(tmp_path):
    (tmp_path / "incidents.csv").write_text(f"{INCIDENTS_HEADER}\nFire,2024-13-01,x,1,0,0,y\n")
    (tmp_path / "exposure.csv").write_text(_exposure_text())

    completed = subprocess.run(
        [
            sys.executable, "-m", "riskcabinet.scoring", "rank",
            "--incidents", str(tmp_path / "incidents.csv"),
            "--exposure", str(tmp_path / "exposure.csv"),
            "--as-of", "2024-12",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip

    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "data row 1, column 'occurred_on'" in completed.stderr


def test_it_accepts_typed_frames_as_the_django_side_builds_them():
    from datetime import date

    from riskcabinet.scoring import validate_exposure, validate_incidents

    incidents = pd.DataFrame(
        {
            "department": ["Fire"],
            "occurred_on": [date(2024, 3, 5)],
            "severity": ["medical"],
            "recordable": [True],
            "days_away": [0],
            "days_restricted": [0],
            "incident_type": ["injury_illness"],
            "narrative": ["ignored"],
        }
    )
    exposure = pd.DataFrame(
        {
            "department": ["Fire"],
            "month": [date(2024, 3, 1)],
            "hours_worked": [1.0],
            "headcount": [1],
        }
    )

    assert (
        validate_incidents(incidents)["month"].iloc[0]
        == validate_exposure(exposure)["month"].iloc[0]
    )
