"""Prints how long `seed_demo` takes for the full demo city on a fresh SQLite database.

Target: at most 60 s on a 2-core machine, at least 20,000 incidents.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "riskcabinet.settings.dev"
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        started = time.perf_counter()
        result = subprocess.run(
            [*manage, "seed_demo", "--seed", "7", "--months", "36"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
    print(result.stdout.splitlines()[0])
    print(f"seed_demo wall time: {elapsed:.1f} s (target <= 60 s)")


if __name__ == "__main__":
    main()
