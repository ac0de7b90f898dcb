"""python manage.py import_claims FILE.csv — load the claims administrator's file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents.claims import ClaimFileError, claims_import


class Command(BaseCommand):
    help = "Import a workers' compensation claims file (see incidents/claims.py for the format)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = claims_import(data=file.read_bytes(), source_name=file.name)
        except ClaimFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Claims: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
        if result.unlinked:
            self.stdout.write(f"{len(result.unlinked)} claim(s) not linked to an incident:")
            for line, claim_number, reason in result.unlinked:
                self.stdout.write(f"  line {line}: {claim_number}: {reason}")
        if result.bad_rows:
            self.stderr.write(f"{len(result.bad_rows)} row(s) skipped:")
            for line, reason in result.bad_rows:
                self.stderr.write(f"  line {line}: {reason}")
        if result.bad_rows and not (result.created or result.updated or result.unchanged):
            raise CommandError(f"Nothing imported from {file.name}: every row has a problem.")
