"""The command line: `python -m riskcabinet.scoring rank|backtest|convert-osha ...`.

Input problems are printed as one line on standard error, with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from riskcabinet.scoring.aggregate import build_panel
from riskcabinet.scoring.backtest import BacktestResult, backtest_panel
from riskcabinet.scoring.osha import (
    osha_severe_injuries_to_incidents,
    read_osha_severe_injuries,
    uniform_exposure,
)
from riskcabinet.scoring.ranking import Ranking, rank_panel
from riskcabinet.scoring.settings import ScoringSettings
from riskcabinet.scoring.validation import (
    ScoringInputError,
    parse_month,
    read_csv_file,
    validate_exposure,
    validate_incidents,
)

PROGRAM = "python -m riskcabinet.scoring"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROGRAM, description="Rank departments by injury risk.")
    commands = parser.add_subparsers(dest="command", required=True)

    rank = commands.add_parser("rank", help="rank departments as of a month")
    rank.add_argument("--incidents", required=True, type=Path, help="incidents CSV file")
    rank.add_argument("--exposure", required=True, type=Path, help="exposure CSV file")
    rank.add_argument("--as-of", required=True, help="last month of the window, YYYY-MM")
    rank.add_argument("--window", type=int, default=12, help="months in the window (12)")
    rank.add_argument("--format", choices=("json", "table"), default="table")

    backtest = commands.add_parser("backtest", help="judge the ranking against what followed")
    backtest.add_argument("--incidents", required=True, type=Path, help="incidents CSV file")
    backtest.add_argument("--exposure", required=True, type=Path, help="exposure CSV file")
    backtest.add_argument("--horizon", type=int, default=3, help="months ahead judged (3)")
    backtest.add_argument("--window", type=int, default=12, help="months in the window (12)")
    backtest.add_argument("--format", choices=("json", "table"), default="table")

    convert = commands.add_parser(
        "convert-osha", help="OSHA Severe Injury Reports CSV to incidents and exposure CSVs"
    )
    convert.add_argument("--input", required=True, type=Path, help="severe injury reports CSV")
    convert.add_argument("--incidents-out", required=True, type=Path)
    convert.add_argument("--exposure-out", required=True, type=Path)
    convert.add_argument("--hours-per-month", type=float, default=200_000.0)
    return parser


def _load_panel(incidents_path: Path, exposure_path: Path):
    incidents = validate_incidents(read_csv_file(incidents_path), source=incidents_path.name)
    exposure = validate_exposure(read_csv_file(exposure_path), source=exposure_path.name)
    return build_panel(incidents, exposure, incidents_source=incidents_path.name)


def format_ranking_table(ranking: Ranking) -> str:
    """A fixed-width table of the ranking, one department a line, with its first reasons."""
    frame = ranking.departments
    header = (
        f"Ranking as of {ranking.as_of} ({ranking.window} months). City: harm rate "
        f"{ranking.city_harm_rate:.1f}, TRIR {ranking.city_trir:.2f}, DART {ranking.city_dart:.2f}"
        " per 200,000 hours."
    )
    columns = {
        "Rank": frame["rank"].astype(str),
        "Department": frame["department"].str.slice(0, 28),
        "Score": frame["score"].map("{:.1f}".format),
        "Cases": frame["recordable_cases"].astype(str),
        "TRIR": frame["trir"].map("{:.2f}".format),
        "DART": frame["dart"].map("{:.2f}".format),
        "Harm": frame["harm_rate"].map("{:.1f}".format),
        "Shrunk": frame["shrunk_harm_rate"].map("{:.1f}".format),
        "Trend%/yr": frame["trend_pct_per_year"].map("{:+.0f}".format)
        + frame["trend_significant"].map({True: "*", False: ""}),
        "Signal": frame["signal_months"].map(lambda months: ", ".join(months) or "-"),
        "Reasons": frame["reasons"].map("; ".join),
    }
    numeric = {"Rank", "Score", "Cases", "TRIR", "DART", "Harm", "Shrunk", "Trend%/yr"}
    widths = {
        name: max(len(name), *(len(value) for value in values)) for name, values in columns.items()
    }

    def cell(name: str, value: str) -> str:
        if name == "Reasons":
            return value
        return value.rjust(widths[name]) if name in numeric else value.ljust(widths[name])

    lines = [header, "  ".join(cell(name, name) for name in columns).rstrip()]
    for row in range(len(frame)):
        lines.append("  ".join(cell(name, values.iloc[row]) for name, values in columns.items()))
    lines.append(
        "(* trend significant at 95%; rates per 200,000 hours; score = projected harm rate)"
    )
    return "\n".join(lines)


def format_backtest_table(result: BacktestResult) -> str:
    lines = [
        f"Backtest: as of {result.first_as_of} to {result.last_as_of}, "
        f"{result.window}-month window, {result.horizon}-month horizon",
        f"{'method':<10} {'mean Spearman':>14} {'top-5 precision':>16} {'top-5 (raw)':>12}",
    ]
    for row in result.summary.itertuples():
        lines.append(
            f"{row.method:<10} {row.mean_spearman:>14.3f} {row.top5_precision:>16.3f} "
            f"{row.top5_precision_raw:>12.3f}"
        )
    return "\n".join(lines)


def run(arguments: argparse.Namespace) -> str:
    settings = ScoringSettings()
    if arguments.command == "rank":
        as_of = parse_month(arguments.as_of)
        panel = _load_panel(arguments.incidents, arguments.exposure)
        ranking = rank_panel(panel, as_of, arguments.window, settings)
        if arguments.format == "json":
            return json.dumps(ranking.to_dict(), indent=2)
        return format_ranking_table(ranking)
    if arguments.command == "backtest":
        panel = _load_panel(arguments.incidents, arguments.exposure)
        result = backtest_panel(
            panel, horizon=arguments.horizon, window=arguments.window, settings=settings
        )
        if arguments.format == "json":
            return json.dumps(result.to_dict(), indent=2)
        return format_backtest_table(result)
    source = arguments.input.name
    incidents = osha_severe_injuries_to_incidents(
        read_osha_severe_injuries(arguments.input), source
    )
    validate_incidents(incidents, source=source)
    exposure = uniform_exposure(incidents, arguments.hours_per_month)
    incidents.to_csv(arguments.incidents_out, index=False)
    exposure.to_csv(arguments.exposure_out, index=False)
    return f"Wrote {len(incidents):,} incidents and {len(exposure):,} exposure rows."


def _one_line(text: str) -> str:
    """Control characters (a line break inside a bad value) escaped: the error stays one line."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Zl", "Zp")
        else char
        for char in text
    )


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        output = run(arguments)
    except ScoringInputError as error:
        print(f"{PROGRAM}: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    try:
        print(output)
    except BrokenPipeError:
        # The reader (e.g. `head`) stopped early; that is not an error.
        sys.stderr.close()
    return 0
