"""Benchmark the triage queue and case page with 250,000 incidents in PostgreSQL.

    .venv/bin/python bench/triage.py [--incidents 250000] [--runs 40]

Uses the database rc_triage_bench on the PostgreSQL server of BENCH_POSTGRES_URL (default: the
local development server), creates it if missing, and loads the incidents with COPY the first
time; later runs reuse them. Prints p50/p95 response time and the query count of each page.
Targets: p95 <= 150 ms and <= 12 queries per page.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://riskcabinet:riskcabinet@127.0.0.1:5432/postgres"
)
DATABASE = "rc_triage_bench"
P95_TARGET_MS = 150
QUERY_TARGET = 12


def database_ensure() -> str:
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return SERVER_URL.rsplit("/", 1)[0] + "/" + DATABASE


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "riskcabinet.settings.test"
    import django

    django.setup()


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def incidents_load(total: int) -> None:
    from django.db import connection

    from incidents.models import ClockKind, ComplianceClock, Incident, IncidentType, Severity
    from riskcabinet.demo_city import PLACES, STORIES
    from riskcabinet.models import Department

    present = Incident.objects.count()
    if present >= total:
        print(f"Reusing {present:,} incidents in {DATABASE}.")
        _vacuum()
        return
    print(f"Loading {total - present:,} incidents into {DATABASE} with COPY ...")
    departments = list(Department.objects.values_list("pk", flat=True))
    rng = random.Random(250)
    places = [place for places_of_a_setting in PLACES.values() for place in places_of_a_setting]
    now = datetime.now(UTC)
    fields = [f for f in Incident._meta.concrete_fields if not (f.primary_key or f.generated)]
    columns = [f.column for f in fields]
    types = list(IncidentType.values)
    severities = list(Severity.values)
    weights = (1, 8, 60, 50, 150, 300, 431)
    statuses = ("new", "triaged", "investigating", "actions_pending", "closed")
    buffer = io.StringIO()
    clocks = []
    for number in range(present + 1, total + 1):
        kind = rng.choice(types)
        reported = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        severity = rng.choices(severities, weights=weights)[0]
        age_days = (now - reported).days
        status = "closed" if age_days > 60 else rng.choice(statuses)
        running = age_days < 10 and severity in ("hospitalization", "days_away", "medical")
        due = reported + timedelta(days=5) if running else None
        values = {
            "reference": f"INC-B{number:08d}",
            "client_uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
            "source": "import",
            "department": rng.choice(departments),
            "incident_type": kind,
            "occurred_at": reported - timedelta(minutes=45),
            "reported_at": reported,
            "learned_at": reported,
            "location_text": rng.choice(places),
            "narrative": rng.choice(STORIES[kind]).narrative,
            "severity": severity,
            "status": status,
            "clock_due_at": due,
            "recordability_answers": "{}",
        }
        row = []
        for field in fields:
            if field.name in values:
                row.append(values[field.name])
            elif field.null:
                row.append(None)
            elif field.has_default():
                default = field.get_default()
                row.append("{}" if isinstance(default, dict) else default)
            else:
                row.append("")
        buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
        if running:
            clocks.append((values["reference"], ClockKind.EMPLOYER_REPORT, reported, due))
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY incidents_incident ({', '.join(columns)}) FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
    ids = dict(
        Incident.objects.filter(reference__startswith="INC-B").values_list("reference", "pk")
    )
    ComplianceClock.objects.bulk_create(
        [
            ComplianceClock(incident_id=ids[ref], kind=kind, started_at=start, due_at=due)
            for ref, kind, start, due in clocks
        ],
        batch_size=5000,
    )
    print(f"Loaded; {len(clocks):,} running clocks.")
    _vacuum()


def _vacuum() -> None:
    # Fresh statistics and visibility map, as autovacuum would give a production database.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE incidents_incident")
        cursor.execute("VACUUM ANALYZE incidents_complianceclock")


def people_ensure():
    from django.contrib.auth.models import Group

    from riskcabinet.models import Department, Person
    from riskcabinet.roles import Role, roles_ensure
    from tests.factories import UserFactory

    if Department.objects.count() < 40:
        Department.objects.bulk_create(
            [Department(code=f"B{n:02d}", name=f"Bench department {n:02d}") for n in range(40)],
            ignore_conflicts=True,
        )
    roles_ensure()
    users = {}
    for username, role in (
        ("bench-officer", Role.SAFETY_OFFICER),
        ("bench-manager", Role.RISK_MANAGER),
    ):
        user = UserFactory(username=username)
        user.groups.add(Group.objects.get(name=role.value))
        person, _ = Person.objects.get_or_create(user=user)
        if role is Role.SAFETY_OFFICER:
            person.covered_departments.set(Department.objects.order_by("pk")[:5])
        users[role] = user
    return users


def measure(client, url: str, runs: int) -> tuple[list[float], list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # Warm caches (templates, OIICS lists, the coder).
    timings, cpu = [], []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = max(queries, len(captured))
        status = response.status_code
    return timings, cpu, queries, status


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    django_setup(database_ensure())
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from incidents.models import CorrectiveAction, Incident
    from riskcabinet.roles import Role

    call_command("migrate", verbosity=0)
    users = people_ensure()
    incidents_load(args.incidents)

    officer, manager = users[Role.SAFETY_OFFICER], users[Role.RISK_MANAGER]
    case = (
        Incident.objects.filter(department__safety_officers__user=officer)
        .exclude(clock_due_at=None)
        .first()
    )
    if not case.actions.exists():
        CorrectiveAction.objects.create(
            incident=case,
            description="Bench action",
            control_level="engineering",
            owner=officer,
            due_on=datetime.now(UTC).date(),
        )
    pages = [
        ("queue, officer, 25 rows", officer, reverse("triage:queue")),
        ("queue, officer, 100 rows", officer, reverse("triage:queue") + "?per_page=100"),
        ("queue, risk manager, 25 rows", manager, reverse("triage:queue")),
        (
            "queue, risk manager, all statuses by severity",
            manager,
            reverse("triage:queue") + "?status=&sort=severity",
        ),
        ("case page, officer", officer, reverse("triage:case", args=[case.reference])),
    ]
    print(f"{Incident.objects.count():,} incidents; {args.runs} runs per page.\n")
    # Wall time depends on what else the machine runs; the CPU time of the Django process is
    # printed beside it so that a loaded machine can be told from a slow page.
    print(f"{'page':48} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'cpu p95':>8} {'queries':>8}")
    failures = 0
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        timings, cpu, queries, status = measure(client, url, args.runs)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[18]
        cpu95 = statistics.quantiles(cpu, n=20)[18]
        ok = status == 200 and p95 <= P95_TARGET_MS and queries <= QUERY_TARGET
        failures += not ok
        verdict = "ok" if ok else "OVER"
        print(f"{label:48} {status:>6} {p50:8.1f} {p95:8.1f} {cpu95:8.1f} {queries:8d} {verdict}")
    print(f"\nTargets: p95 <= {P95_TARGET_MS} ms, <= {QUERY_TARGET} queries per page.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
