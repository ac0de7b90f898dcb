"""Time the briefing packet's PDF builder on a synthetic 40-department packet.

Run with ``python bench/packet_pdf.py``; it prints the build time and the file size.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

# Run as a script from anywhere: the repository root holds the packages.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.pdf import build_packet_pdf  # noqa: E402
from reports.pdf.sample import sample_packet_data  # noqa: E402

ROUNDS = 5


def main() -> None:
    data = sample_packet_data(department_count=40, attention_count=5, serious_case_count=6)
    build_packet_pdf(data)  # The first build registers the symbol font.
    wall_times, cpu_times = [], []
    for _ in range(ROUNDS):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        pdf = build_packet_pdf(data)
        wall_times.append(time.perf_counter() - wall_start)
        cpu_times.append(time.process_time() - cpu_start)
    print(
        f"packet pdf, 40 departments, 5 attention pages: "
        f"median {statistics.median(wall_times):.2f} s wall, "
        f"{statistics.median(cpu_times):.2f} s cpu, "
        f"{len(pdf) / 1024:.0f} KB"
    )


if __name__ == "__main__":
    main()
