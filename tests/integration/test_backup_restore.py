"""A backup restored into an empty database and media folder holds every incident, photo and
history row. Runs for SQLite and for PostgreSQL (the production database)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]

SEED = """
import hashlib, uuid
from django.core.files.base import ContentFile
from django.utils import timezone
from incidents.models import Attachment, Incident
from incidents.services import incident_create
from riskcabinet.models import Department
department = Department.objects.create(code="LASAN", name="Sanitation")
for n in range(5):
    incident = incident_create(
        client_uuid=uuid.uuid4(), department=department, incident_type="injury_illness",
        occurred_at=timezone.now(), location_text="Central yard", narrative=f"Case {n}",
    ).incident
    incident.status = "triaged"
    incident.save()
    data = bytes([n]) * 2048
    attachment = Attachment(incident=incident, content_type="image/png", size=len(data),
                            sha256=hashlib.sha256(data).hexdigest())
    attachment.file.save(f"photo{n}.png", ContentFile(data))
"""

COUNT = """
import hashlib, json
from django.core.files.storage import default_storage
from incidents.models import Attachment, Incident
photos_ok = all(
    hashlib.sha256(default_storage.open(a.file.name).read()).hexdigest() == a.sha256
    for a in Attachment.objects.all()
)
print(json.dumps({
    "incidents": Incident.objects.count(),
    "photos": Attachment.objects.count(),
    "photos_ok": photos_ok,
    "incident_history": Incident.history.count(),
    "photo_history": Attachment.history.count(),
}))
"""


def _manage(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _env(database_url: str, media_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="riskcabinet.settings.dev",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        CELERY_BROKER_URL="",
    )
    return env


def _round_trip(source_url: str, target_url: str, tmp_path: Path) -> tuple[dict, dict]:
    source = _env(source_url, tmp_path / "media-source")
    target = _env(target_url, tmp_path / "media-target")
    _manage(source, "migrate", "-v0")
    _manage(source, "shell", "-c", SEED)
    before = json.loads(_manage(source, "shell", "-c", COUNT).strip().splitlines()[-1])
    _manage(source, "backup_create", "--out", str(tmp_path / "backup"))
    _manage(target, "backup_restore", str(tmp_path / "backup"))
    after = json.loads(_manage(target, "shell", "-c", COUNT).strip().splitlines()[-1])
    return before, after


def test_it_restores_every_incident_photo_and_history_row_on_sqlite(tmp_path):
    before, after = _round_trip(
        f"sqlite:///{tmp_path / 'source.sqlite3'}",
        f"sqlite:///{tmp_path / 'target.sqlite3'}",
        tmp_path,
    )
    assert before["incidents"] == 5
    assert after == before
    assert after["photos_ok"] is True


@pytest.mark.integration
def test_it_restores_every_incident_photo_and_history_row_on_postgresql(postgres_url, tmp_path):
    import psycopg

    parsed = urlparse(postgres_url)
    suffix = uuid.uuid4().hex[:8]
    names = (f"rc_backup_src_{suffix}", f"rc_backup_dst_{suffix}")
    admin_url = postgres_url.replace("postgres://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        base = f"postgres://{parsed.username}:{parsed.password}@{parsed.hostname}:{parsed.port}"
        before, after = _round_trip(f"{base}/{names[0]}", f"{base}/{names[1]}", tmp_path)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert before["incidents"] == 5
    assert before["incident_history"] >= 10
    assert after == before


def test_a_sqlite_restore_refuses_an_old_databases_write_ahead_log(tmp_path):
    import sqlite3

    from riskcabinet.backup import BackupError, backup_create, backup_restore

    live = tmp_path / "live.sqlite3"
    entry = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}
    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE incident (id INTEGER PRIMARY KEY, narrative TEXT)")
        connection.execute("INSERT INTO incident VALUES (1, 'in the backup')")
    (tmp_path / "media").mkdir()
    backup_create(database=entry, media_root=tmp_path / "media", out_dir=tmp_path / "backup")
    live.unlink()
    Path(f"{live}-wal").write_bytes(b"written after the backup")  # Left by a crashed server.

    with pytest.raises(BackupError, match="belong to an earlier database: move them aside"):
        backup_restore(backup_dir=tmp_path / "backup", database=entry, media_root=tmp_path / "m")
    assert not live.exists()


@pytest.mark.integration
def test_a_postgresql_restore_goes_only_into_an_empty_database(postgres_url, tmp_path):
    import psycopg

    from riskcabinet.backup import BackupError, backup_create, backup_restore

    parsed = urlparse(postgres_url)
    suffix = uuid.uuid4().hex[:8]
    source, target = f"rc_backup_src_{suffix}", f"rc_backup_dst_{suffix}"
    admin_url = postgres_url.replace("postgres://", "postgresql://")
    base = f"postgresql://{parsed.username}:{parsed.password}@{parsed.hostname}:{parsed.port}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for name in (source, target):
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(f"{base}/{source}", autocommit=True) as connection:
            connection.execute("CREATE TABLE incident (id int PRIMARY KEY, narrative text)")
            connection.execute("INSERT INTO incident VALUES (1, 'a'), (2, 'b')")
        with psycopg.connect(f"{base}/{target}", autocommit=True) as connection:
            connection.execute("CREATE TABLE stray (id int)")
        entry = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": source,
            "USER": parsed.username,
            "PASSWORD": parsed.password,
            "HOST": parsed.hostname,
            "PORT": parsed.port,
        }
        backup_create(database=entry, media_root=tmp_path / "m", out_dir=tmp_path / "b")

        with pytest.raises(BackupError, match="already holds 1 table"):
            backup_restore(
                backup_dir=tmp_path / "b", database={**entry, "NAME": target}, media_root=tmp_path
            )
        with psycopg.connect(f"{base}/{target}") as connection:
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for name in (source, target):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert tables == [("stray",)]
