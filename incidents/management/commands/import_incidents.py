"""python manage.py import_incidents FILE --format osha-severe|generic-csv [--department CODE]
[--dry-run]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from incidents.imports import FORMATS, ImportFileError, incidents_import


class Command(BaseCommand):
    help = "Import incidents from a file (formats are described in incidents/imports.py)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", dest="fmt", required=True, help=" or ".join(FORMATS))
        parser.add_argument("--department", help="put every row in this department (its code)")
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")

    def handle(self, *args, file: Path, fmt: str, department: str | None, dry_run: bool, **options):
        if fmt not in FORMATS:
            raise CommandError(f"Unknown --format '{fmt}': use one of {', '.join(FORMATS)}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        interactive = sys.stderr.isatty()
        bar = tqdm(desc="Reading rows", unit=" rows", file=sys.stderr, disable=not interactive)
        if not interactive:
            self.stderr.write(f"Reading {file.name}…")
        try:
            report = incidents_import(
                path=file, fmt=fmt, department_code=department, dry_run=dry_run, progress=bar.update
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()

        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.created} incident(s) from {report.rows_read} row(s); "
            f"{report.already_imported} already imported; {len(report.bad_rows)} bad row(s)."
        )
        if report.departments_created:
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(
                f"{verb} {len(report.departments_created)} department(s): "
                + ", ".join(report.departments_created)
            )
        if report.matched_codes or report.unmatched_titles:
            self.stdout.write("OIICS titles matched to codes:")
            for family in ("nature", "part", "event", "source"):
                unmatched = report.unmatched_titles.get(family, {})
                self.stdout.write(
                    f"  {family}: {report.matched_codes.get(family, 0)} matched, "
                    f"{sum(unmatched.values())} unmatched"
                )
                for title, count in sorted(unmatched.items(), key=lambda item: -item[1])[:20]:
                    self.stdout.write(f"    {count:>5}  {title}")
        if report.bad_rows:
            self.stderr.write(f"{len(report.bad_rows)} bad row(s), not imported:")
            for line, reason in report.bad_rows:
                self.stderr.write(f"  line {line}: {reason}")
        if report.bad_rows and not report.created and not report.already_imported:
            raise CommandError(f"Nothing imported from {file.name}: every row has a problem.")
