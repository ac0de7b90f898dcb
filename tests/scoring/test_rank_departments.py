"""Ranking departments: rates, order, fields, reasons and chart data."""

import json

import numpy as np
import pandas as pd
import pytest

from riskcabinet.scoring import ScoringInputError, ScoringSettings, rank_departments
from riskcabinet.scoring.cli import main

JSON_FIELDS = {
    "department",
    "rank",
    "score",
    "recordable_cases",
    "trir",
    "dart",
    "harm_rate",
    "shrunk_harm_rate",
    "trend_pct_per_year",
    "trend_significant",
    "control_signal",
    "reasons",
}


def _exposure(departments: dict[str, float], months: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"department": name, "month": month, "hours_worked": hours, "headcount": hours / 170}
            for name, hours in departments.items()
            for month in months
        ]
    )


def _incident(department, day, severity="medical", incident_type="injury_illness", **extra):
    recordable = severity not in ("first_aid", "none")
    return {
        "department": department,
        "occurred_on": day,
        "severity": severity,
        "recordable": "true" if recordable else "false",
        "days_away": extra.get("days_away", 0),
        "days_restricted": extra.get("days_restricted", 0),
        "incident_type": incident_type,
    }


MONTHS = [f"2024-{month:02d}" for month in range(1, 13)]


def test_it_computes_trir_and_dart_per_200000_hours():
    exposure = _exposure({"Fire": 10_000.0, "Parks": 10_000.0}, MONTHS)
    incidents = pd.DataFrame(
        [
            _incident("Fire", "2024-03-05", "days_away", days_away=4),
            _incident("Fire", "2024-04-05", "restricted", days_restricted=2),
            _incident("Fire", "2024-05-05", "medical"),
            _incident("Fire", "2024-05-06", "first_aid"),
            _incident("Parks", "2024-06-01", "medical"),
        ]
    )

    ranking = rank_departments(incidents, exposure, as_of="2024-12")

    fire = ranking.departments.set_index("department").loc["Fire"]
    assert fire["recordable_cases"] == 3
    assert fire["trir"] == pytest.approx(3 * 200_000 / 120_000)
    assert fire["dart"] == pytest.approx(2 * 200_000 / 120_000)


def test_it_ranks_a_large_department_with_a_high_rate_above_a_tiny_one_with_one_bad_case(city):
    incidents, exposure = city
    months = exposure["month"].unique()
    tiny = pd.DataFrame(
        {"department": "Tiny", "month": months, "hours_worked": 300.0, "headcount": 2.0}
    )
    exposure = pd.concat([exposure, tiny], ignore_index=True)
    one_case = pd.DataFrame([_incident("Tiny", "2025-06-10", "medical")])
    incidents = pd.concat([incidents, one_case], ignore_index=True)

    ranking = rank_departments(incidents, exposure, as_of="2025-06")

    table = ranking.departments.set_index("department")
    assert table.loc["Tiny", "harm_rate"] > 3 * ranking.city_harm_rate
    assert table.loc["Tiny", "rank"] > 10


def test_it_puts_departments_in_rank_order_with_the_documented_fields(city):
    incidents, exposure = city

    ranking = rank_departments(incidents, exposure, as_of="2025-06", window=12)

    frame = ranking.departments
    assert set(frame.columns) >= JSON_FIELDS
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    assert frame["score"].is_monotonic_decreasing
    assert all(isinstance(reason, str) for reasons in frame["reasons"] for reason in reasons)
    assert all(len(reasons) >= 1 for reasons in frame["reasons"])


def test_it_explains_low_ranks_in_plain_words():
    exposure = _exposure({"Fire": 50_000.0, "Parks": 50_000.0, "Library": 50_000.0}, MONTHS)
    rows = [_incident("Fire", f"2024-{month:02d}-10", "days_away") for month in range(1, 13)]
    rows += [_incident("Fire", f"2024-{month:02d}-12", "medical") for month in range(1, 13)]
    rows += [_incident("Parks", f"2024-{month:02d}-10", "medical") for month in range(1, 13)]
    rows += [_incident("Library", "2024-05-10", "first_aid")]

    ranking = rank_departments(pd.DataFrame(rows), exposure, as_of="2024-12")

    table = ranking.departments.set_index("department")
    assert table.loc["Fire", "rank"] == 1
    assert any("times the city's" in reason for reason in table.loc["Fire", "reasons"])
    assert "Adjusted harm rate below the city's, steady" in table.loc["Library", "reasons"]


def test_it_flags_a_month_above_the_control_limit_and_says_which():
    exposure = _exposure({"Streets": 170_000.0, "Parks": 170_000.0}, MONTHS)
    rows = []
    for month in range(1, 13):
        for department in ("Streets", "Parks"):
            count = 30 if (department == "Streets" and month == 12) else 5
            rows += [_incident(department, f"2024-{month:02d}-15", "medical")] * count

    ranking = rank_departments(pd.DataFrame(rows), exposure, as_of="2024-12")

    streets = ranking.departments.set_index("department").loc["Streets"]
    assert streets["control_signal"]
    assert streets["signal_months"] == ["2024-12"]
    assert any("December 2024" in reason for reason in streets["reasons"])


def test_it_reports_a_rising_incident_type_on_last_year():
    months = [f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13)]
    exposure = _exposure({"Police": 100_000.0, "Parks": 100_000.0}, months)
    rows = []
    for month in months:
        assaults = 2 if month.startswith("2023") else 4
        rows += [_incident("Police", f"{month}-10", "medical", "assault")] * assaults
        rows += [_incident("Parks", f"{month}-10", "medical")] * 2

    ranking = rank_departments(pd.DataFrame(rows), exposure, as_of="2024-12")

    police = ranking.departments.set_index("department").loc["Police"]
    assert "Assaults and threats up 100% on last year" in police["reasons"]


def test_a_shorter_window_compares_with_as_many_months_before_and_says_so():
    months = [f"2024-{month:02d}" for month in range(1, 13)]
    exposure = _exposure({"Police": 100_000.0, "Parks": 100_000.0}, months)
    rows = []
    for month in months:
        assaults = 4 if month < "2024-07" else 8
        rows += [_incident("Police", f"{month}-10", "medical", "assault")] * assaults
        rows += [_incident("Parks", f"{month}-10", "medical")] * 2

    ranking = rank_departments(pd.DataFrame(rows), exposure, as_of="2024-12", window=6)

    police = ranking.departments.set_index("department").loc["Police"]
    assert "Assaults and threats up 100% on the 6 months before" in police["reasons"]


def test_it_returns_chart_series_and_funnel_limits(city):
    incidents, exposure = city

    ranking = rank_departments(incidents, exposure, as_of="2025-06")

    assert {"month", "hours", "case_rate", "centre", "ucl", "lcl"} <= set(ranking.city_monthly)
    assert len(ranking.department_monthly) == 12 * len(ranking.departments)
    funnel = ranking.funnel
    assert (funnel["lower_99.8"] <= funnel["lower_95"]).all()
    assert (funnel["upper_95"] <= funnel["upper_99.8"]).all()
    narrow_first = ranking.funnel_curve.sort_values("hours")
    width = narrow_first["upper_99.8"] - narrow_first["lower_99.8"]
    assert width.iloc[-1] < width.iloc[0]


def test_it_prints_one_json_object_in_rank_order(city, tmp_path, capsys):
    incidents, exposure = city
    incidents.to_csv(tmp_path / "incidents.csv", index=False)
    exposure.to_csv(tmp_path / "exposure.csv", index=False)

    status = main(
        [
            "rank",
            "--incidents", str(tmp_path / "incidents.csv"),
            "--exposure", str(tmp_path / "exposure.csv"),
            "--as-of", "2025-06",
            "--format", "json",
        ]
    )  # fmt: skip

    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output["as_of"] == "2025-06"
    assert [row["rank"] for row in output["departments"]] == list(range(1, 46))
    assert set(output["departments"][0]) >= JSON_FIELDS


def test_it_prints_an_aligned_table(city, tmp_path, capsys):
    incidents, exposure = city
    incidents.to_csv(tmp_path / "incidents.csv", index=False)
    exposure.to_csv(tmp_path / "exposure.csv", index=False)

    main(
        [
            "rank",
            "--incidents", str(tmp_path / "incidents.csv"),
            "--exposure", str(tmp_path / "exposure.csv"),
            "--as-of", "2025-06",
        ]
    )  # fmt: skip

    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("Rank "))
    rows = [line for line in lines if line[:4].strip().isdigit()]
    assert len(rows) == 45
    column = header.index("Department")
    assert all(row[column:].startswith("Department ") for row in rows)


def test_it_lets_every_weight_be_changed_through_settings(city):
    incidents, exposure = city
    weights = dict(ScoringSettings().severity_weights, first_aid=5.0)

    default = rank_departments(incidents, exposure, as_of="2025-06")
    changed = rank_departments(
        incidents, exposure, as_of="2025-06", settings=ScoringSettings(severity_weights=weights)
    )

    assert not np.allclose(default.departments["score"], changed.departments["score"])


def test_it_refuses_an_as_of_month_outside_the_data(city):
    incidents, exposure = city

    with pytest.raises(ScoringInputError, match="outside the exposure data"):
        rank_departments(incidents, exposure, as_of="2031-01")


def _monthly_city(departments: dict[str, tuple[float, float]], months: int = 36, seed: int = 1):
    """Departments as (hours a month, yearly change in the injury rate): medical cases at 14
    per 200,000 hours in the middle month, changing smoothly by the given log slope a year."""
    rng = np.random.default_rng(seed)
    labels = [str(period) for period in pd.period_range("2022-01", periods=months, freq="M")]
    years = (np.arange(months) - (months - 1) / 2) / 12
    incidents = [
        _incident(name, f"{label}-15")
        for name, (hours, slope) in departments.items()
        for label, year in zip(labels, years, strict=True)
        for _ in range(rng.poisson(14 * hours / 200_000 * np.exp(slope * year)))
    ]
    exposure = pd.DataFrame(
        [
            {"department": name, "month": label, "hours_worked": hours, "headcount": hours / 150}
            for name, (hours, _) in departments.items()
            for label in labels
        ]
    )
    return pd.DataFrame(incidents), exposure, labels[-1]


def test_a_department_falling_against_a_rising_city_is_never_called_rising():
    city = {f"Rising {index:02d}": (450_000.0, 0.3) for index in range(15)}
    city["Falling"] = (90_000.0, -0.35)
    incidents, exposure, last = _monthly_city(city)

    row = (
        rank_departments(incidents, exposure, as_of=last)
        .departments.set_index("department")
        .loc["Falling"]
    )

    assert row["raw_trend_pct_per_year"] < -20  # Its own months fall clearly...
    assert not any(reason.startswith("Cases rising") for reason in row["reasons"])
    # ...so it is called rising or falling only where the figure shown agrees.
    if row["trend_significant"]:
        assert row["trend_pct_per_year"] < 0


def test_two_departments_keep_their_own_rates():
    months = [f"2024-{month:02d}" for month in range(1, 13)]
    exposure = _exposure({"Safe": 100_000.0, "Risky": 100_000.0}, months)
    incidents = pd.DataFrame(
        [
            _incident(name, f"{month}-10", severity="days_away", days_away=3)
            for name, per_month in (("Safe", 1), ("Risky", 20))
            for month in months
            for _ in range(per_month)
        ]
    )

    ranked = rank_departments(incidents, exposure, as_of="2024-12").departments
    rows = ranked.set_index("department")

    assert list(ranked["department"]) == ["Risky", "Safe"]
    assert rows.loc["Risky", "shrunk_harm_rate"] > 15 * rows.loc["Safe", "shrunk_harm_rate"]
    assert rows.loc["Risky", "reasons"][0].startswith("Adjusted harm rate 1.9 times the city's")


def test_departments_with_equal_scores_share_a_rank():
    exposure = _exposure({"Alpha": 50_000.0, "Bravo": 50_000.0, "Charlie": 50_000.0}, MONTHS)
    incidents = pd.DataFrame(columns=list(_incident("Alpha", "2024-01-01")))

    ranked = rank_departments(incidents, exposure, as_of="2024-12").departments

    assert len(set(ranked["score"])) == 1
    assert list(ranked["rank"]) == [1, 1, 1]
