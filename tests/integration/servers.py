"""Real servers for integration tests: a private PostgreSQL instance and gunicorn.

The private PostgreSQL cluster lives in a temporary folder on its own port, so a test can
restart it without disturbing the database the rest of the suite uses.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return None


def private_postgres_possible() -> bool:
    # initdb refuses to run as root, so the cluster is run as the `postgres` system user.
    return postgres_bin_dir() is not None and os.geteuid() == 0 and shutil.which("runuser")


@dataclass
class PrivatePostgres:
    data_dir: Path
    port: int
    bin_dir: Path

    @property
    def url(self) -> str:
        return f"postgres://riskcabinet:riskcabinet@127.0.0.1:{self.port}/riskcabinet"

    def _as_postgres(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def _pg_ctl(self, action: str, *options: str, check: bool = True) -> None:
        # Always with the log file: a server started without one inherits this process's pipes,
        # and run() would wait for them until it times out.
        self._as_postgres(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.data_dir / "server.log"),
            *options,
            action,
            check=check,
        )

    def start(self) -> None:
        self._pg_ctl(
            "start", "-o", f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1", "-w"
        )

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast", "-w")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    @classmethod
    def create(cls) -> "PrivatePostgres":
        # A folder of its own under the system temp dir: pytest's temp folders are private to
        # root, and the server runs as the postgres user.
        bin_dir = postgres_bin_dir()
        folder = Path(tempfile.mkdtemp(prefix="riskcabinet-pg-"))
        data_dir = folder / "pgdata"
        data_dir.mkdir()
        shutil.chown(folder, "postgres")
        shutil.chown(data_dir, "postgres")
        server = cls(data_dir=data_dir, port=free_port(), bin_dir=bin_dir)
        server._as_postgres(
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )
        server.start()
        psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres"]
        server._as_postgres(
            *psql, "-c", "CREATE ROLE riskcabinet LOGIN SUPERUSER PASSWORD 'riskcabinet'"
        )
        server._as_postgres(*psql, "-c", "CREATE DATABASE riskcabinet OWNER riskcabinet")
        return server


@dataclass
class Gunicorn:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def app_env(database_url: str, media_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="riskcabinet.settings.dev",
        DEBUG="false",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        CELERY_BROKER_URL="",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        AXES_FAILURE_LIMIT="1000",
        LOG_LEVEL="ERROR",
    )
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def gunicorn_start(env: dict[str, str], *, workers: int = 4, threads: int = 4) -> Gunicorn:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "riskcabinet.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return Gunicorn(process=process, port=port)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start within 60 s")
