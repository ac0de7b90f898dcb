"""python manage.py osha_export --year YYYY --kind summary|cases [--establishment ID] --out FILE.csv

Writes the CSV files uploaded to OSHA's Injury Tracking Application: the 300A summary file (one
row per establishment) or the case-detail file (one row per case on the 300 logs).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents.models import Establishment
from incidents.osha import ita, selectors
from riskcabinet.models import Department

KINDS = ("summary", "cases")


class Command(BaseCommand):
    help = "Write OSHA ITA CSV files (300A summary or case detail) for a year."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", required=True, help=" or ".join(KINDS))
        parser.add_argument("--establishment", type=int, help="one establishment's id")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, year: int, kind: str, establishment: int | None, out: Path, **options):
        if kind not in KINDS:
            raise CommandError(f"Unknown --kind '{kind}': use summary or cases.")
        if establishment is not None:
            establishments = list(Establishment.objects.filter(pk=establishment))
            if not establishments:
                raise CommandError(f"No establishment with id {establishment}.")
        else:
            # Only the establishments open in the year owe its 300A: a site closed before it (or
            # opened after it) would be sent a summary of no cases and a share of the hours the
            # open sites already report, overstating the department's hours.
            open_ids = set(
                Establishment.objects.filter(selectors.open_in_year(year)).values_list(
                    "pk", flat=True
                )
            )
            establishments = [
                e
                for e in Establishment.objects.order_by("pk")
                if e.pk in open_ids
                or selectors.recordable_cases(year=year, establishment=e).exists()
            ]
        with_cases = [
            e
            for e in establishments
            if selectors.recordable_cases(year=year, establishment=e).exists()
        ]
        # Cases of a department with no establishment are on no log: say so, never drop them.
        off_the_log = (
            []
            if establishment is not None
            else [
                f"{department.name} has {cases} recordable case(s) in {year} but no "
                "establishment, so they are on no log and in no file: add the department's "
                "establishment in the admin."
                for department, cases in selectors.departments_off_the_log(
                    Department.objects.all(), years=(year,)
                )
            ]
        )
        if not with_cases and not _has_exposure(establishments, year):
            which = f"establishment {establishment}" if establishment else "any establishment"
            raise CommandError(
                " ".join(
                    [f"No recordable cases or payroll hours for {which} in {year}.", *off_the_log]
                )
            )
        if not out.parent.exists():
            raise CommandError(f"Folder {out.parent} does not exist.")

        warnings: list[str] = list(off_the_log)
        with open(out, "w", newline="", encoding="utf-8") as handle:
            if kind == "summary":
                summaries = [
                    selectors.summary_for(establishment=e, year=year) for e in establishments
                ]
                count = ita.write_summaries(handle, summaries)
                for summary in summaries:
                    warnings += [f"{summary.establishment.name}: {w}" for w in summary.warnings]
            else:
                reports = []
                for e in with_cases:
                    reports += selectors.case_reports(establishment=e, year=year)
                    rows = selectors.log_rows(establishment=e, year=year)
                    warnings += [f"{e.name}: {w}" for w in selectors.log_warnings(rows)]
                count = ita.write_cases(handle, reports)
        self.stdout.write(f"Wrote {count} {kind} row(s) for {year} to {out}.")
        for warning in warnings:
            self.stderr.write(f"Warning: {warning}")


def _has_exposure(establishments: list[Establishment], year: int) -> bool:
    from riskcabinet.models import ExposureMonth

    departments = {e.department_id for e in establishments}
    return ExposureMonth.objects.filter(department_id__in=departments, month__year=year).exists()
