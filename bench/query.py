"""Latency and peak memory of a typical page aggregate on large product-level data.

    python -m bench.query                 # 1M and 10M rows, written to /tmp if missing
    python -m bench.query --rows 1000000 --repeat 30

The aggregate is what a page asks for: filter by segment and region, group by
month and company. Each size runs in its own process so that peak memory
(maximum resident set size) belongs to that size alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parquet_for(rows: int, directory: Path) -> Path:
    path = directory / f"market_{rows}.parquet"
    if not path.exists():
        from data.generate_demo import write_large_market

        print(f"writing {rows:,} synthetic rows to {path} …", file=sys.stderr)
        write_large_market(rows, path)
    return path


def measure(path: Path, repeat: int) -> dict:
    from data.store import MarketFilter, Store

    started = time.perf_counter()
    store = Store()
    store.add_parquet("market", path)
    load_s = time.perf_counter() - started
    segments, regions = store.distinct("market", "segment"), store.distinct("market", "region")
    slices = [
        MarketFilter(segments=(segments[i % len(segments)],), regions=(regions[i % len(regions)], regions[(i + 1) % len(regions)]))
        for i in range(repeat)
    ]
    store.market_totals(slices[0], ["date", "company"])  # warm-up
    times = []
    for where in slices:
        t0 = time.perf_counter()
        result = store.market_totals(where, ["date", "company"])
        times.append(1000 * (time.perf_counter() - t0))
    return {
        "rows": store.row_count("market"),
        "load_s": round(load_s, 2),
        "median_ms": round(statistics.median(times), 1),
        "p10_ms": round(sorted(times)[len(times) // 10], 1),
        "p90_ms": round(sorted(times)[9 * len(times) // 10], 1),
        "result_rows": len(result),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/market-bench"))
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child process: measure one file
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{'rows':>12} {'load s':>7} {'median ms':>10} {'p10':>7} {'p90':>7} {'peak RSS MB':>12}")
    for rows in args.rows:
        path = parquet_for(rows, args.dir)
        out = subprocess.run(
            [sys.executable, "-m", "bench.query", "--one", str(path), "--repeat", str(args.repeat)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        r = json.loads(out.stdout)
        print(f"{r['rows']:>12,} {r['load_s']:>7} {r['median_ms']:>10} {r['p10_ms']:>7} {r['p90_ms']:>7} {r['peak_rss_mb']:>12}")
    print("budget: median < 150 ms at 10M rows, peak memory < 2 GB (2-core machine)")


if __name__ == "__main__":
    main()
