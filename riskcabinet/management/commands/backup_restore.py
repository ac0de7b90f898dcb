"""python manage.py backup_restore FOLDER  (into an empty database and media folder)"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from riskcabinet.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by backup_create.")

    def handle(self, *args, folder: str, **options):
        connections["default"].close()
        try:
            manifest = backup_restore(
                backup_dir=Path(folder),
                database=settings.DATABASES["default"],
                media_root=Path(settings.MEDIA_ROOT),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored the {manifest.engine} backup of {folder}"))
