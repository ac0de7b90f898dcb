"""Backups: the database (pg_dump, or SQLite's online backup) and the media folder, in one folder.

A backup folder holds `database.dump` (PostgreSQL custom format) or `database.sqlite3`, plus
`media.tar.gz` (photos and packets) and `manifest.json` (what was taken, when, with checksums).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlparse


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupManifest:
    engine: str
    database_file: str
    media_file: str
    created_at: str
    sha256: dict[str, str]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    parsed = urlparse(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = unquote(parsed.password)
    args = [
        "--host",
        parsed.hostname or "127.0.0.1",
        "--port",
        str(parsed.port or 5432),
        "--username",
        unquote(parsed.username or "postgres"),
    ]
    return args, env


def backup_create(*, database: dict, media_root: Path, out_dir: Path) -> BackupManifest:
    """Write a consistent backup of `database` (a Django DATABASES entry) and the media folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = database["ENGINE"]
    if "postgresql" in engine:
        database_file = out_dir / "database.dump"
        url = _database_url(database)
        args, env = _pg_env(url)
        _run(
            ["pg_dump", *args, "--format", "custom", "--no-owner", "--file", str(database_file)]
            + [database["NAME"]],
            env,
        )
        kind = "postgresql"
    elif "sqlite3" in engine:
        database_file = out_dir / "database.sqlite3"
        source = sqlite3.connect(str(database["NAME"]))
        target = sqlite3.connect(str(database_file))
        with target:
            source.backup(target)
        source.close()
        target.close()
        kind = "sqlite"
    else:
        raise BackupError(f"Backups are not supported for {engine}.")
    media_file = out_dir / "media.tar.gz"
    with tarfile.open(media_file, "w:gz") as archive:
        if media_root.exists():
            archive.add(str(media_root), arcname="media")
    manifest = BackupManifest(
        engine=kind,
        database_file=database_file.name,
        media_file=media_file.name,
        created_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        sha256={p.name: _sha256(p) for p in (database_file, media_file)},
    )
    (out_dir / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2))
    return manifest


def backup_restore(*, backup_dir: Path, database: dict, media_root: Path) -> BackupManifest:
    """Restore a backup into an EMPTY database and media folder, after checking its checksums."""
    manifest_path = backup_dir / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{backup_dir} holds no manifest.json; is it a backup folder?")
    manifest = BackupManifest(**json.loads(manifest_path.read_text()))
    for name, expected in manifest.sha256.items():
        if _sha256(backup_dir / name) != expected:
            raise BackupError(f"{name} does not match its checksum; the backup is damaged.")
    database_file = backup_dir / manifest.database_file
    if manifest.engine == "postgresql":
        if "postgresql" not in database["ENGINE"]:
            raise BackupError("This is a PostgreSQL backup; restore it into PostgreSQL.")
        _pg_empty_check(database)
        args, env = _pg_env(_database_url(database))
        # In one transaction: a restore that fails half-way leaves the database as it was.
        _run(
            ["pg_restore", *args, "--no-owner", "--exit-on-error", "--single-transaction"]
            + ["--dbname", database["NAME"], str(database_file)],
            env,
        )
    else:
        if "sqlite3" not in database["ENGINE"]:
            raise BackupError("This is a SQLite backup; restore it into SQLite.")
        target = Path(database["NAME"])
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} exists; restore into a new file.")
        # An old database's write-ahead log or journal left beside it would be replayed onto
        # the restored file, bringing back what was written after the backup.
        leftovers = [
            str(path)
            for path in (Path(f"{target}{suffix}") for suffix in ("-wal", "-shm", "-journal"))
            if path.exists()
        ]
        if leftovers:
            raise BackupError(
                f"{', '.join(leftovers)} belong to an earlier database: move them aside first."
            )
        shutil.copyfile(database_file, target)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup_dir / manifest.media_file, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.name.startswith("media"):
                continue
            member.name = member.name[len("media") :].lstrip("/") or "."
            archive.extract(member, media_root, filter="data")
    return manifest


def _pg_empty_check(database: dict) -> None:
    """A restore goes into an empty database: tables already there would be mixed in."""
    import psycopg

    with psycopg.connect(_database_url(database)) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    if tables:
        raise BackupError(
            f"The database {database['NAME']} already holds {tables} table(s); restore into an "
            "empty database."
        )


def _database_url(database: dict) -> str:
    user = database.get("USER") or "postgres"
    password = database.get("PASSWORD") or ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    # Settings hold the user and password decoded; in a URL they must be encoded again.
    user, password = quote(str(user), safe=""), quote(str(password), safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgresql://{auth}{host}:{port}/{database['NAME']}"


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
