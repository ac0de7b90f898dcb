"""Time a monthly briefing packet built from the demo city's database.

Run with ``python bench/packet.py [--month YYYY-MM]`` after ``make seed`` (the database named
by DATABASE_URL, the seeded SQLite file by default). It only reads: the packet is assembled and
laid out in memory, not stored. Targets: 3 s and 2 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskcabinet.settings.dev")

import django  # noqa: E402

django.setup()

from reports.pdf import build_packet_pdf  # noqa: E402
from reports.selectors import packet_data_for_month  # noqa: E402

ROUNDS = 3
TARGET_SECONDS = 3.0
TARGET_BYTES = 2 * 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2026-10", help="The packet's month, YYYY-MM.")
    month_text = parser.parse_args().month
    month = date(int(month_text[:4]), int(month_text[5:7]), 1)

    build_packet_pdf(packet_data_for_month(month=month))  # Warm imports, fonts and caches.
    read_times, layout_times, cpu_times = [], [], []
    for _ in range(ROUNDS):
        cpu_start = time.process_time()
        start = time.perf_counter()
        data = packet_data_for_month(month=month)
        read_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        pdf = build_packet_pdf(data)
        layout_times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    total = statistics.median(read_times) + statistics.median(layout_times)
    print(
        f"briefing packet {month_text}, {len(data.ranking)} departments: "
        f"data {statistics.median(read_times):.2f} s + pdf {statistics.median(layout_times):.2f} s"
        f" = {total:.2f} s wall, {statistics.median(cpu_times):.2f} s cpu in this process"
        f" (target {TARGET_SECONDS:.0f} s), "
        f"{len(pdf) / 1024:.0f} KB (target {TARGET_BYTES / 1024 / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
