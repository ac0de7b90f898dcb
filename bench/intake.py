"""Benchmark the mobile intake: page weight on first load, and form POSTs under load.

Run with ``python bench/intake.py``. It prints:
- the report form's transferred weight on a first visit (HTML as served with gzip; CSS and JS
  gzip-compressed here, as whitenoise serves them compressed in production);
- POSTs per second, median and p95 latency with 20 concurrent clients against gunicorn, first
  on a temporary SQLite database, then on PostgreSQL (rc_intake_bench), with the number of
  incidents created against the number of distinct reports sent (duplicates are resends of an
  already-sent client UUID, as the offline queue does). Each database is measured twice, as a
  phone sends a report without photos: through the offline queue (a JSON answer) and online
  through the form (htmx, the confirmation fragment as the answer), both URL-encoded;
- the CPU time each POST cost gunicorn's workers, the clients and (on PostgreSQL) the database
  server, which share the machine's cores.
Targets on a 2-core machine: page <= 60 KB compressed, p95 <= 150 ms, zero lost, zero doubled.
"""

from __future__ import annotations

import functools
import gzip
import http.cookiejar
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CLIENTS = 20
POSTS_PER_CLIENT = 50
# Reports each client sends before the clock starts, so that every worker has imported what a
# report needs and compiled its statements (their first report costs a few hundred ms).
WARM_UP_POSTS_PER_CLIENT = 2
RESEND_EVERY = 5  # Every fifth POST resends the previous report's UUID.
# Two cores: three sync workers keep both busy while one waits on the database (measured here:
# two or three give 5-15% more POSTs per second than four, which spend more CPU switching).
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
PASSWORD = "bench-intake-password"
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgresql://riskcabinet:riskcabinet@127.0.0.1:5432/postgres"
)
POSTGRES_BENCH_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://riskcabinet:riskcabinet@127.0.0.1:5432/rc_intake_bench"
)

SETUP_SCRIPT = f"""
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from riskcabinet.models import Department, Person
from riskcabinet.roles import Role
department, _ = Department.objects.get_or_create(code="SAN", defaults={{"name": "Sanitation"}})
group = Group.objects.get(name=Role.EMPLOYEE.value)
User = get_user_model()
for n in range({CLIENTS}):
    user, created = User.objects.get_or_create(username=f"bench{{n}}")
    if created:
        user.set_password("{PASSWORD}")
        user.save()
        user.groups.add(group)
        Person.objects.create(user=user, department=department)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="riskcabinet.settings.dev",
        DEBUG="false",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL="",
        AXES_FAILURE_LIMIT="1000",
        MEDIA_ROOT=tempfile.mkdtemp(prefix="rc-intake-bench-media-"),
        LOG_LEVEL="WARNING",
        # As in production (settings/prod.py): each worker keeps its database connection.
        CONN_MAX_AGE="60",
    )
    return env


def prepare(database_url: str) -> dict[str, str]:
    env = environment(database_url)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run([PYTHON, "-c", SETUP_SCRIPT], cwd=ROOT, env=env, check=True)
    return env


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes_cpu_seconds(chosen) -> float:
    """CPU time so far of the processes whose /proc entry ``chosen`` accepts, summed (Linux)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if chosen(entry):
                total += _cpu_seconds(int(entry.name))
        except (OSError, ValueError):
            continue
    return total


def postgres_cpu_seconds() -> float:
    """CPU time so far of the PostgreSQL server's processes on this machine (its backends
    included): the third party to the two cores, beside gunicorn and the clients."""
    return _processes_cpu_seconds(lambda entry: (entry / "comm").read_text().strip() == "postgres")


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # WhiteNoise serves static files from the finders since nothing is collected here.
        env = {**env, "WHITENOISE_USE_FINDERS": "true"}
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "riskcabinet.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/accounts/login/", timeout=60)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def cpu_seconds(self) -> float:
        """CPU time of gunicorn's workers (children of the master), so far."""

        def worker(entry: Path) -> bool:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            return parent == self.process.pid

        return _processes_cpu_seconds(worker)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Phone:
    """One signed-in employee with their own cookies."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self._report_heads: dict[bool, bytes] = {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get("/accounts/login/")
        self.post_form(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        return self.opener.open(request, timeout=30)

    def post_form(self, path: str, fields: dict):
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        return self.opener.open(request, timeout=30)

    def post_report(self, fields: dict, *, online: bool = False) -> tuple[int, float]:
        """Send a report without photos as the phone does: online, htmx posts the form and swaps
        in the confirmation fragment; otherwise the offline queue sends it and reads a JSON
        answer. Either way a report without photos goes URL-encoded.

        The timed POST is written to a socket as bytes, with the signed-in cookies written once,
        and the answer read until the server closes the connection (gunicorn's sync workers
        close each one): the 20 clients share the server's two cores, and what they spend per
        request (about 1 ms through http.client, which parses every header) is taken from the
        server under test."""
        head = self._report_head(online)
        body = urllib.parse.urlencode(fields).encode()
        request = head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        started = time.perf_counter()
        with socket.create_connection((self.host, self.port), timeout=30) as connection:
            connection.sendall(request)
            answer = bytearray()
            while chunk := connection.recv(65536):
                answer += chunk
        seconds = time.perf_counter() - started
        status_line, _, rest = bytes(answer).partition(b"\r\n")
        _headers, separator, _body = rest.partition(b"\r\n\r\n")
        if not status_line.startswith(b"HTTP/1.") or not separator:
            raise RuntimeError(f"not an HTTP answer: {bytes(answer[:80])!r}")
        return int(status_line.split()[1]), seconds

    def _report_head(self, online: bool) -> bytes:
        """The request line and headers of a report POST, but for its length."""
        if online not in self._report_heads:
            headers = {
                "Host": f"{self.host}:{self.port}",
                "Connection": "close",
                "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
                "Cookie": "; ".join(f"{c.name}={c.value}" for c in self.jar),
                "X-CSRFToken": self.csrf(),
                "Referer": self.base + "/report/",
            }
            if online:
                headers["HX-Request"] = "true"
                headers["HX-Target"] = "intake"
                headers["HX-Current-URL"] = self.base + "/report/"
            else:
                headers["Accept"] = "application/json"
            lines = ["POST /report/ HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
            self._report_heads[online] = ("\r\n".join(lines) + "\r\n").encode("latin-1")
        return self._report_heads[online]


def report_fields(client_uuid: str) -> dict[str, str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # The form reads date and time in the city's time zone (settings.TIME_ZONE).
    occurred = datetime.now(ZoneInfo("America/Los_Angeles")) - timedelta(hours=1)
    return {
        "client_uuid": client_uuid,
        "incident_type": "injury_illness",
        "narrative": "Lifting a full bin onto the truck, felt a pain in the lower back.",
        "location_text": "Lopez Canyon yard, bay 3",
        "occurred_date": occurred.date().isoformat(),
        "occurred_time": occurred.strftime("%H:%M"),
        "body_part": "Lower back",
        "injury_kind": "Strain",
        "treatment": "first_aid",
    }


def page_weight(base: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskcabinet.settings.dev")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles import finders

    phone = Phone(base, "bench0")
    with phone.get("/report/", {"Accept-Encoding": "gzip"}) as response:
        html_wire = response.read()
        encoding = response.headers.get("Content-Encoding", "identity")
    html = gzip.decompress(html_wire).decode() if encoding == "gzip" else html_wire.decode()
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assets += re.findall(r'<script src="([^"]+)"', html)
    print(f"Report form, first load ({base}/report/):")
    print(f"  HTML  {len(html):>7,} B raw  {len(html_wire):>7,} B on the wire ({encoding})")
    total = len(html_wire)
    for url in assets:
        path = finders.find(url.removeprefix(static_prefix))
        raw = Path(path).read_bytes()
        compressed = len(gzip.compress(raw, compresslevel=9))
        total += compressed
        print(f"  {url:<40} {len(raw):>7,} B raw  {compressed:>7,} B gzip")
    verdict = "ok" if total <= 60 * 1024 else "OVER TARGET"
    print(f"  total {total / 1024:.1f} KB compressed (target <= 60 KB: {verdict})")
    print("  (the service worker and the IndexedDB queue add nothing to this first load)")


def warm_up(base: str) -> None:
    """Load the URLconf (and everything it imports) in every worker before timing anything."""

    def hit() -> None:
        for _ in range(3):
            urllib.request.urlopen(base + "/accounts/login/", timeout=120).read()

    together([hit] * (WORKERS * 3))


def warm_up_reports(phones: list[Phone], *, online: bool) -> None:
    """Send a few reports the way the timed run will, so no worker's first one is timed."""

    def send(phone: Phone) -> None:
        for _ in range(WARM_UP_POSTS_PER_CLIENT):
            phone.post_report(report_fields(str(uuid.uuid4())), online=online)

    together([functools.partial(send, phone) for phone in phones])


def together(functions) -> None:
    """Run the functions at the same time, each in its own thread, and wait for all."""
    threads = [threading.Thread(target=function) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def load(
    server: Server, label: str, count_incidents, *, online: bool = False, database_cpu=None
) -> None:
    base = server.url
    warm_up(base)
    phones = [Phone(base, f"bench{n}") for n in range(CLIENTS)]
    warm_up_reports(phones, online=online)
    latencies: list[float] = []
    failures: list[str] = []
    sent_uuids: set[str] = set()
    lock = threading.Lock()
    before = count_incidents()

    def run(phone: Phone) -> None:
        previous = None
        for n in range(POSTS_PER_CLIENT):
            resend = previous is not None and n % RESEND_EVERY == 0
            client_uuid = previous if resend else str(uuid.uuid4())
            try:
                status, seconds = phone.post_report(report_fields(client_uuid), online=online)
            except Exception as error:
                with lock:
                    failures.append(repr(error))
                continue
            with lock:
                latencies.append(seconds)
                sent_uuids.add(client_uuid)
                if status not in (200, 201):
                    failures.append(f"HTTP {status}")
            previous = client_uuid

    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    database_cpu_before = database_cpu() if database_cpu else 0.0
    started = time.perf_counter()
    together([functools.partial(run, phone) for phone in phones])
    wall = time.perf_counter() - started
    server_cpu = server.cpu_seconds() - server_cpu
    client_cpu = time.process_time() - client_cpu
    database_seconds = database_cpu() - database_cpu_before if database_cpu else None
    created = count_incidents() - before
    posts = len(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    median = statistics.median(latencies) * 1000
    lost = max(0, len(sent_uuids) - created)
    doubled = max(0, created - len(sent_uuids))
    database = (
        f"PostgreSQL {database_seconds / posts * 1000:.1f} ms, "
        if database_seconds is not None
        else ""
    )
    print(f"{label}: {CLIENTS} clients, {posts} POSTs ({posts - len(sent_uuids)} resends)")
    print(f"  {posts / wall:.0f} POSTs/s   median {median:.0f} ms   p95 {p95:.0f} ms")
    # With both sides on one 2-core machine, p95 is bounded by how much CPU each POST costs.
    print(
        f"  CPU per POST: gunicorn workers {server_cpu / posts * 1000:.1f} ms, {database}"
        f"these clients {client_cpu / posts * 1000:.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  distinct reports sent {len(sent_uuids)}, incidents created {created}")
    print(f"  lost {lost}, doubled {doubled}, failed requests {len(failures)}")
    if failures:
        print(f"  first failure: {failures[0]}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rc-intake-bench-") as tmp:
        sqlite_path = Path(tmp) / "bench.sqlite3"
        env = prepare(f"sqlite:///{sqlite_path}")
        server = Server(env)
        try:
            page_weight(server.url)
            print()

            def count_sqlite() -> int:
                with sqlite3.connect(sqlite_path) as db:
                    return db.execute("select count(*) from incidents_incident").fetchone()[0]

            load(server, "SQLite, offline queue", count_sqlite)
            print()
            load(server, "SQLite, online form (htmx)", count_sqlite, online=True)
        finally:
            server.stop()

    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute("DROP DATABASE IF EXISTS rc_intake_bench")
            admin.execute("CREATE DATABASE rc_intake_bench")
    except Exception as error:
        print(f"\nPostgreSQL: not run ({error.__class__.__name__}: {error})")
        return
    print()
    env = prepare(POSTGRES_BENCH_URL)
    server = Server(env)
    try:

        def count_postgres() -> int:
            url = POSTGRES_BENCH_URL.replace("postgres://", "postgresql://")
            with psycopg.connect(url) as db:
                return db.execute("select count(*) from incidents_incident").fetchone()[0]

        load(server, "PostgreSQL, offline queue", count_postgres, database_cpu=postgres_cpu_seconds)
        print()
        load(
            server,
            "PostgreSQL, online form (htmx)",
            count_postgres,
            online=True,
            database_cpu=postgres_cpu_seconds,
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
