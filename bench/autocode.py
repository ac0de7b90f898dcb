"""Benchmark of the narrative coder: training time, load time and one-narrative latency.

Run with ``.venv/bin/python bench/autocode.py [--skip-train]``. Training writes the shipped
model file, exactly as ``python -m riskcabinet.autocode train`` does.
"""

import argparse
import statistics
import time

from riskcabinet.autocode.dataset import held_out_part, load_reports
from riskcabinet.autocode.store import MODEL_PATH, read_model, save_model
from riskcabinet.autocode.training import train_coder

SAMPLE = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-train", action="store_true", help="time the existing model only")
    args = parser.parse_args()

    if not args.skip_train:
        started = time.perf_counter()
        coder, metadata = train_coder(log=lambda message: None)
        save_model(coder, metadata)
        print(f"train (3 fields x 2 levels, incl. save): {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    coder, _ = read_model(MODEL_PATH)
    print(f"load model: {time.perf_counter() - started:.2f} s")

    narratives = held_out_part(load_reports())["narrative"].head(SAMPLE).tolist()
    coder.suggest_many(narratives[:5])
    latencies = []
    for narrative in narratives:
        started = time.perf_counter()
        coder.suggest_many([narrative])
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(
        f"predict one narrative ({len(latencies)} held-out reports): "
        f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
