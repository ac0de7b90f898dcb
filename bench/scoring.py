"""Benchmark of the scoring engine: time and peak memory to rank and to backtest.

Run: .venv/bin/python bench/scoring.py [--sizes 100000 1000000]

Each measurement runs in a fresh subprocess, so the peak resident memory (max RSS) it reports
belongs to that measurement alone (it includes the interpreter and the generated frames). The
incidents are synthetic: 45 departments, 60 months, typed frames as the Django selectors build
them; `rank` covers validation, aggregation and scoring; `rank from CSV` adds reading the files
the command line reads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEPARTMENTS = 45
MONTHS = 60
SEVERITIES = (
    "fatality",
    "hospitalization",
    "days_away",
    "restricted",
    "medical",
    "first_aid",
    "none",
)
SEVERITY_MIX = (0.001, 0.012, 0.09, 0.08, 0.26, 0.33, 0.227)
TYPES = ("injury_illness", "near_miss", "vehicle", "assault", "exposure", "property_damage")
TYPE_MIX = (0.55, 0.2, 0.08, 0.07, 0.06, 0.04)


def make_frames(incident_count: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    headcount = np.exp(rng.uniform(np.log(12), np.log(10_000), DEPARTMENTS)).round()
    hours = headcount[:, None] * 150.0 * rng.uniform(0.95, 1.05, (DEPARTMENTS, MONTHS))
    starts = pd.period_range("2021-01", periods=MONTHS, freq="M").to_timestamp()
    names = np.array([f"Department {index + 1:02d}" for index in range(DEPARTMENTS)])
    exposure = pd.DataFrame(
        {
            "department": np.repeat(names, MONTHS),
            "month": np.tile(starts.strftime("%Y-%m"), DEPARTMENTS),
            "hours_worked": hours.ravel(),
            "headcount": np.repeat(headcount, MONTHS),
        }
    )
    share = hours.ravel() / hours.sum()
    cell = rng.choice(len(share), size=incident_count, p=share)
    department, month = np.divmod(cell, MONTHS)
    day = (rng.random(incident_count) * 28).astype(int)
    severity = rng.choice(len(SEVERITIES), size=incident_count, p=SEVERITY_MIX)
    incidents = pd.DataFrame(
        {
            "department": names[department],
            "occurred_on": starts.to_numpy()[month] + day * np.timedelta64(1, "D"),
            "severity": np.array(SEVERITIES)[severity],
            "recordable": severity < 5,
            "days_away": np.where(severity == 2, 3, 0),
            "days_restricted": np.where(severity == 3, 2, 0),
            "incident_type": rng.choice(np.array(TYPES), size=incident_count, p=TYPE_MIX),
        }
    )
    return incidents, exposure


def _child(task: str, size: int) -> dict:
    from riskcabinet.scoring import backtest, rank_departments
    from riskcabinet.scoring.cli import main

    incidents, exposure = make_frames(size)
    if task == "rank-csv":
        folder = Path(tempfile.mkdtemp())
        incidents.to_csv(folder / "incidents.csv", index=False)
        exposure.to_csv(folder / "exposure.csv", index=False)
        del incidents
    tracemalloc.start()
    started = time.perf_counter()
    if task == "rank":
        rank_departments(incidents, exposure, as_of="2025-12", window=12)
    elif task == "backtest":
        backtest(incidents, exposure, horizon=3)
    else:
        arguments = ["rank", "--incidents", str(folder / "incidents.csv")]
        arguments += ["--exposure", str(folder / "exposure.csv"), "--as-of", "2025-12"]
        arguments += ["--format", "json"]
        with open("/dev/null", "w") as sink:
            stdout, sys.stdout = sys.stdout, sink
            try:
                main(arguments)
            finally:
                sys.stdout = stdout
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    return {"seconds": seconds, "traced_peak_mb": traced_peak / 2**20}


def measure(task: str, size: int) -> dict:
    command = [sys.executable, __file__, "--child", task, str(size)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        output = child.stdout.read()
        # wait4 gives this child's own resource usage (RUSAGE_CHILDREN would be the maximum
        # over every child so far).
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{task} {size}: the measuring process failed")
    figures = json.loads(output.strip().splitlines()[-1])
    figures["max_rss_mb"] = usage.ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", nargs=2, metavar=("TASK", "SIZE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        task, size = arguments.child
        print(json.dumps(_child(task, int(size))))
        return
    print(f"{DEPARTMENTS} departments, {MONTHS} months; one fresh process per line")
    print(f"{'task':<14} {'incidents':>10} {'seconds':>8} {'traced MB':>10} {'max RSS MB':>11}")
    for task in ("rank", "rank-csv", "backtest"):
        for size in arguments.sizes:
            figures = measure(task, size)
            print(
                f"{task:<14} {size:>10,} {figures['seconds']:>8.2f} "
                f"{figures['traced_peak_mb']:>10.0f} {figures['max_rss_mb']:>11.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
