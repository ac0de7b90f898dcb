"""python manage.py import_exposure FILE.csv

The file has the columns department, month (YYYY-MM), hours_worked, headcount: one row per
department and month, from payroll. Rows already imported are updated in place.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riskcabinet.services import ExposureFileError, exposure_import


class Command(BaseCommand):
    help = "Import payroll hours and headcount per department-month from a CSV file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = exposure_import(data=file.read_bytes(), source_name=file.name)
        except ExposureFileError as error:
            raise CommandError(str(error)) from error

        self.stdout.write(
            f"Read {report.rows_read} row(s): {report.created} new department-month(s), "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.problems)} bad row(s) not imported."
        )
        if report.unknown_departments:
            self.stderr.write(
                "Unknown department(s), not imported: " + ", ".join(report.unknown_departments)
            )
        if report.problems:
            self.stderr.write(f"{len(report.problems)} bad row(s):")
            for problem in report.problems:
                self.stderr.write(f"  line {problem.line}: {problem.reason}")
        if report.problems and not report.imported:
            raise CommandError(f"Nothing imported from {file.name}: every row has a problem.")
