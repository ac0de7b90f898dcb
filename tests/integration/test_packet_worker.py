"""A real Celery worker on a real Redis builds a briefing packet, even when it is killed mid-build.

The test prepares its own SQLite database (migrated and seeded with the small packet city) and
media folder, starts `celery worker --pool solo` as a subprocess on Redis database 5 with a
queue of its own, and watches the packet's row until it is published.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from pypdf import PdfReader

from tests.conftest import require_service

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PDFTOPPM = "/usr/bin/pdftoppm"
REDIS_DB = 5

_SEED = """
import django
django.setup()
from tests.reports.test_packet_city import packet_city_seed
packet_city_seed()
"""
_QUEUE = """
import sys
import django
django.setup()
from reports.tasks import packet_build_task
packet_build_task.apply_async(args=["2026-10-01"], queue=sys.argv[1])
"""


def _redis_db_url(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


@pytest.fixture
def worker_env(tmp_path, redis_url):
    database = tmp_path / "packets.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "riskcabinet.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_BROKER_URL": _redis_db_url(redis_url, REDIS_DB),
        "CELERY_VISIBILITY_TIMEOUT": "6",
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("RISKCABINET_PACKET_BUILD_DELAY", None)
    for command in (
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        [sys.executable, "-c", _SEED],
    ):
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=300)
    env["TEST_QUEUE"] = f"packets-test-{uuid.uuid4().hex[:10]}"
    env["TEST_DATABASE"] = str(database)
    return env


def _worker(env: dict, log: Path, **extra: str) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "riskcabinet.celery",
            "worker",
            "--pool",
            "solo",
            "-Q",
            env["TEST_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env={**env, **extra},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=30)


def _packets(env: dict) -> list[tuple]:
    with sqlite3.connect(env["TEST_DATABASE"], timeout=20) as connection:
        return connection.execute(
            "SELECT month, status, progress, file, page_count, sha256, attempts "
            "FROM reports_briefingpacket ORDER BY month"
        ).fetchall()


def _wait_for(env: dict, predicate, timeout: float, log: Path) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _packets(env)
        if predicate(rows):
            return rows
        time.sleep(0.3)
    pytest.fail(f"timed out; packets {_packets(env)}\n{log.read_text()[-4000:]}")


def _queue(env: dict) -> None:
    subprocess.run([sys.executable, "-c", _QUEUE, env["TEST_QUEUE"]], cwd=ROOT, env=env, check=True)


def _published(rows: list[tuple]) -> bool:
    return len(rows) == 1 and rows[0][1] == "published"


def _assert_renders(env: dict, row: tuple, tmp_path: Path) -> None:
    require_service(Path(PDFTOPPM).exists(), f"poppler-utils ({PDFTOPPM})")
    pdf = Path(env["MEDIA_ROOT"]) / row[3]
    pages = len(PdfReader(pdf).pages)
    assert pages == row[4] >= 8
    out = tmp_path / "pages"
    out.mkdir()
    subprocess.run([PDFTOPPM, "-png", "-r", "30", str(pdf), str(out / "page")], check=True)
    assert len(list(out.glob("page-*.png"))) == pages


def test_it_builds_a_packet_on_a_real_worker(worker_env, tmp_path):
    log = tmp_path / "worker.log"
    worker = _worker(worker_env, log)
    try:
        _queue(worker_env)
        rows = _wait_for(worker_env, _published, 120, log)
    finally:
        _stop(worker)

    assert rows[0][0] == "2026-10-01"
    _assert_renders(worker_env, rows[0], tmp_path)


def test_it_publishes_once_after_the_worker_is_killed_mid_build(worker_env, tmp_path):
    log = tmp_path / "worker.log"
    slow = _worker(worker_env, log, RISKCABINET_PACKET_BUILD_DELAY="30")
    try:
        _queue(worker_env)
        # The slow worker is inside the build, pausing before the layout.
        _wait_for(worker_env, lambda rows: rows and rows[0][2] >= 55, 120, log)
    finally:
        _stop(slow, signal.SIGKILL)
    assert _packets(worker_env)[0][1] == "building"

    # Redis gives the unacknowledged task to the next worker after the visibility timeout.
    fresh = _worker(worker_env, log)
    try:
        rows = _wait_for(worker_env, _published, 120, log)
    finally:
        _stop(fresh)

    assert len(rows) == 1
    assert rows[0][6] == 2  # Built twice: the killed attempt and the re-delivered one.
    files = list((Path(worker_env["MEDIA_ROOT"]) / "packets").iterdir())
    assert [path.name for path in files] == ["briefing-2026-10.pdf"]
    _assert_renders(worker_env, rows[0], tmp_path)
