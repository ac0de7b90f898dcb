"""python manage.py score --month YYYY-MM [--format table|json]
python manage.py score --since YYYY-MM   (rank again every stored month from then on)"""

import json

from django.core.management.base import BaseCommand, CommandError

from riskcabinet.selectors import ScoringUnavailable, month_parse
from riskcabinet.services import department_scores_compute, department_scores_refresh_since


class Command(BaseCommand):
    help = "Rank the departments as of a month, store the ranking and print it."

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--month", help="the as-of month, YYYY-MM")
        which.add_argument(
            "--since",
            help="rank again every stored month from YYYY-MM on (after corrected payroll hours)",
        )
        parser.add_argument("--format", dest="fmt", choices=("table", "json"), default="table")

    def handle(self, *args, month: str | None, since: str | None, fmt: str, **options) -> None:
        if since is not None:
            self._refresh_since(since)
            return
        try:
            as_of = month_parse(month)
        except ValueError as error:
            raise CommandError(f"--month: {error}") from error
        try:
            scores = department_scores_compute(month=as_of)
        except ScoringUnavailable as error:
            raise CommandError(
                f"Cannot rank the departments as of {as_of:%Y-%m}: {error}"
            ) from error
        if fmt == "json":
            self.stdout.write(json.dumps([_as_dict(score) for score in scores], indent=2))
            return
        self.stdout.write(
            f"Department ranking as of {as_of:%B %Y} (12 months; rates per 200,000 hours)"
        )
        header = (
            f"{'rank':>4}  {'department':<32} {'score':>7} {'TRIR':>6} {'DART':>6} "
            f"{'harm':>7} {'shrunk':>7} {'trend/yr':>9}  signal"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for score in scores:
            trend = (
                f"{score.trend_pct_per_year:+.0f}%{'*' if score.trend_significant else ' '}"
                if score.trend_pct_per_year is not None
                else "-"
            )
            self.stdout.write(
                f"{score.rank:>4}  {score.department.name[:32]:<32} {score.score:>7.2f} "
                f"{score.trir:>6.2f} {score.dart:>6.2f} {score.harm_rate:>7.2f} "
                f"{score.shrunk_harm_rate:>7.2f} {trend:>9}  {score.control_signal or '-'}"
            )
            for reason in score.reasons:
                self.stdout.write(f"{'':6}{reason}")
        self.stdout.write(
            f"Stored {len(scores)} department scores for {as_of:%Y-%m}. (* significant trend)"
        )

    def _refresh_since(self, since: str) -> None:
        try:
            first = month_parse(since)
        except ValueError as error:
            raise CommandError(f"--since: {error}") from error
        ranked = department_scores_refresh_since(month=first)
        if not ranked:
            self.stdout.write(f"No stored ranking from {first:%Y-%m} on was ranked again.")
            return
        months = ", ".join(f"{month:%Y-%m}" for month in sorted(ranked))
        self.stdout.write(f"Ranked again {len(ranked)} stored month(s): {months}.")


def _as_dict(score) -> dict:
    return {
        "month": f"{score.month:%Y-%m}",
        "rank": score.rank,
        "department": score.department.code,
        "department_name": score.department.name,
        "score": score.score,
        "recordable_cases": score.recordable_cases,
        "hours_worked": score.hours_worked,
        "trir": score.trir,
        "dart": score.dart,
        "harm_rate": score.harm_rate,
        "shrunk_harm_rate": score.shrunk_harm_rate,
        "trend_pct_per_year": score.trend_pct_per_year,
        "trend_significant": score.trend_significant,
        "control_signal": score.control_signal,
        "reasons": score.reasons,
    }
