"""python manage.py seed_demo [--seed N] [--months 36] [--if-empty]"""

import time

from django.core.management.base import BaseCommand, CommandError

from riskcabinet.demo import demo_city_is_empty, demo_city_seed


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

    def handle(self, *args, seed: int, months: int, if_empty: bool, **options):
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
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready in {elapsed:.1f} s: {summary.departments} departments, "
                f"{summary.incidents:,} incidents, {summary.actions:,} corrective actions, "
                f"{summary.claims:,} claims, {summary.users:,} users."
            )
        )
        self.stdout.write("Demo logins (password for all: riskcabinet-demo):")
        for username, _password, role in summary.logins:
            self.stdout.write(f"  {username:<10} {role}")
