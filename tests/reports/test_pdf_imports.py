"""The PDF layer is pure: importing it and building a packet loads no Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_it_imports_no_django() -> None:
    script = (
        "import sys\n"
        "from reports.pdf import build_packet_pdf\n"
        "from reports.pdf.sample import sample_packet_data\n"
        "build_packet_pdf(sample_packet_data(department_count=8, attention_count=1))\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "[]"


def test_it_builds_the_same_bytes_in_another_process() -> None:
    script = (
        "import hashlib\n"
        "from reports.pdf import build_packet_pdf\n"
        "from reports.pdf.sample import sample_packet_data\n"
        "print(hashlib.sha256(build_packet_pdf(sample_packet_data())).hexdigest())\n"
    )

    def digest() -> str:
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert digest() == digest()
