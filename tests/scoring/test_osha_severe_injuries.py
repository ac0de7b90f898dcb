"""The real OSHA Severe Injury Reports file, converted and ranked."""

from pathlib import Path

from riskcabinet.scoring import (
    osha_severe_injuries_to_incidents,
    rank_departments,
    read_osha_severe_injuries,
    uniform_exposure,
    validate_incidents,
)
from riskcabinet.scoring.cli import main

OSHA_FILE = (
    Path(__file__).resolve().parents[2]
    / "riskcabinet/data/osha/severe_injury_reports_2015-01_to_2017-02.csv"
)


def test_it_converts_the_osha_file_to_valid_incidents_one_per_employee():
    reports = read_osha_severe_injuries(OSHA_FILE)

    incidents = validate_incidents(osha_severe_injuries_to_incidents(reports))

    assert len(incidents) >= len(reports)
    assert set(incidents["severity"].astype(str)) == {"hospitalization"}
    assert incidents["recordable"].all()
    assert incidents["department"].str.len().gt(0).all()


def test_it_ranks_the_states_without_error():
    incidents = osha_severe_injuries_to_incidents(read_osha_severe_injuries(OSHA_FILE))
    exposure = uniform_exposure(incidents)

    ranking = rank_departments(incidents, exposure, as_of="2017-02", window=12)

    top = ranking.departments.iloc[0]
    assert len(ranking.departments) == incidents["department"].nunique()
    assert top["department"] in {"TEXAS", "FLORIDA", "PENNSYLVANIA", "OHIO", "ILLINOIS"}
    assert top["reasons"]


def test_it_converts_from_the_command_line(tmp_path, capsys):
    status = main(
        [
            "convert-osha",
            "--input", str(OSHA_FILE),
            "--incidents-out", str(tmp_path / "incidents.csv"),
            "--exposure-out", str(tmp_path / "exposure.csv"),
        ]
    )  # fmt: skip

    assert status == 0
    assert "Wrote" in capsys.readouterr().out
    assert main(
        [
            "backtest",
            "--incidents", str(tmp_path / "incidents.csv"),
            "--exposure", str(tmp_path / "exposure.csv"),
            "--format", "json",
        ]
    ) == 0  # fmt: skip
