"""python manage.py backup_create --out FOLDER"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from riskcabinet.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media folder (photos, packets) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Folder to write the backup into.")

    def handle(self, *args, out: str, **options):
        out_dir = Path(out)
        if out_dir.exists() and any(out_dir.iterdir()):
            raise CommandError(f"{out_dir} is not empty; choose a new folder.")
        connections["default"].close()
        try:
            manifest = backup_create(
                database=settings.DATABASES["default"],
                media_root=Path(settings.MEDIA_ROOT),
                out_dir=out_dir,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Backup of the {manifest.engine} database and media in {out_dir}")
        )
