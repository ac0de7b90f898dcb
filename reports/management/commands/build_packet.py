"""python manage.py build_packet --month YYYY-MM [--out FILE.pdf]"""

import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.models import PacketStatus
from reports.selectors import PacketMonthError
from reports.services import packet_build

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> date:
    matched = _MONTH.match((text or "").strip())
    if not matched or not 1 <= int(matched.group(2)) <= 12 or int(matched.group(1)) < 1900:
        raise CommandError(
            f"--month '{text}' is not a month written YYYY-MM (for example 2026-10)."
        )
    return date(int(matched.group(1)), int(matched.group(2)), 1)


class Command(BaseCommand):
    help = (
        "Build and publish the briefing packet for a month, optionally copying the PDF to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month to cover, YYYY-MM.")
        parser.add_argument("--out", help="Also write the PDF to this file.")

    def handle(self, *args, month: str, out: str | None = None, **options):
        first_day = _month(month)
        if out and not Path(out).parent.exists():
            raise CommandError(f"--out {out}: the folder {Path(out).parent} does not exist.")
        try:
            packet = packet_build(month=first_day)
        except PacketMonthError as error:
            raise CommandError(str(error)) from error
        if packet.status != PacketStatus.PUBLISHED:
            raise CommandError(f"The packet for {month} was not published: {packet.error}")
        if out:
            with packet.file.open("rb") as source:
                Path(out).write_bytes(source.read())
        self.stdout.write(
            self.style.SUCCESS(
                f"Briefing packet {first_day:%Y-%m}: {packet.page_count} pages, "
                f"{packet.size / 1024:.0f} KB, sha256 {packet.sha256[:12]}"
                + (f", written to {out}" if out else "")
            )
        )
