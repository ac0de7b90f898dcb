"""python manage.py seed_demo [--seed N] [--months 36] [--if-empty]"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError

from reports.services import packet_build
from riskcabinet.demo import demo_city_is_empty, demo_city_seed
from riskcabinet.selectors import last_complete_month

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Create the demo city: departments, exposure, people, incidents, actions and claims."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument(
            "--months", type=int, default=36, help="Months of history (default 36)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds departments.",
        )
        parser.add_argument(
            "--no-packet",
            action="store_true",
            help="Do not build last month's briefing packet (a few seconds).",
        )

    def handle(self, *args, seed: int, months: int, if_empty: bool, no_packet: bool, **options):
        if not 1 <= months <= 120:
            raise CommandError("--months must be between 1 and 120.")
        if not demo_city_is_empty():
            if if_empty:
                self.stdout.write("The database already holds data; the demo city was not added.")
                return
            raise CommandError(
                "The database already holds departments. Seed an empty database "
                "(delete var/riskcabinet.sqlite3 and run migrate), or use --if-empty."
            )
        started = time.perf_counter()
        summary = demo_city_seed(seed=seed, months=months)
        packet = None if no_packet else self._packet_build()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready in {elapsed:.1f} s: {summary.departments} departments, "
                f"{summary.incidents:,} incidents, {summary.actions:,} corrective actions, "
                f"{summary.claims:,} claims, {summary.users:,} users."
            )
        )
        if packet is not None:
            self.stdout.write(f"Briefing packet for {packet.month:%B %Y} built.")
        self.stdout.write("Demo logins (password for all: riskcabinet-demo):")
        for username, _password, role in summary.logins:
            self.stdout.write(f"  {username:<10} {role}")

    def _packet_build(self):
        """Last month's packet, as beat would have built it on the 2nd, so the cabinet's
        Packets page has one to open. The demo is usable without it: a failure is reported."""
        try:
            return packet_build(month=last_complete_month())
        except Exception as error:
            logger.exception("demo packet not built")
            self.stderr.write(f"Last month's briefing packet was not built: {error}")
            return None
