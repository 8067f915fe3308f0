"""Latency and peak memory of a typical page aggregate on large product-level data.

    python -m bench.query                 # 1M and 10M rows, written to /tmp if missing
    python -m bench.query --rows 1000000 --repeat 30
    python -m bench.query --postgres --rows 10000000 --repeat 15   # also PostgreSQL, on the same rows

With --postgres the same rows are copied into PostgreSQL (MARKET_TRENDS_TEST_PG_URL, else a throwaway
cluster started as in the tests) and the same aggregate runs through a live SQL dataset
(`data/live_sql.LiveStore`, the app's own path) twice: on the raw table with the index the README
recommends (segment, region, date), and on the summary table it recommends (one row per
date x segment x region x company, what most pages ask for).

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


def measure_postgres(path: Path, repeat: int, url: str) -> dict:
    """The page aggregate through LiveStore on PostgreSQL: raw table + index, and the summary table."""
    import os
    import tempfile

    import duckdb
    import psycopg

    from data.live_sql import LiveSpec, LiveStore
    from data.store import MarketFilter

    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    started = time.perf_counter()
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_market, bench_summary")
        conn.execute("CREATE UNLOGGED TABLE bench_market (date timestamp, segment text, region text, company text, "
                      "product text, units double precision, revenue double precision, price double precision)")
        with tempfile.TemporaryDirectory() as folder:
            csv = Path(folder) / "rows.csv"
            duckdb.connect().execute("COPY (SELECT date, segment, region, company, product, units, revenue, price "
                                     "FROM read_parquet($p)) TO '" + str(csv) + "' (HEADER false)", {"p": str(path)})
            with conn.cursor().copy("COPY bench_market FROM STDIN (FORMAT csv)") as copy, open(csv, "rb") as rows:
                while chunk := rows.read(1 << 20):
                    copy.write(chunk)
        load_s = time.perf_counter() - started
        t0 = time.perf_counter()
        conn.execute("CREATE INDEX bench_market_slice ON bench_market (segment, region, date)")
        conn.execute("ANALYZE bench_market")
        index_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("CREATE TABLE bench_summary AS SELECT date, segment, region, company, sum(units) AS units, "
                     "sum(revenue) AS revenue FROM bench_market GROUP BY 1, 2, 3, 4")
        conn.execute("CREATE INDEX bench_summary_slice ON bench_summary (segment, region, date)")
        conn.execute("ANALYZE bench_summary")
        summary_s = time.perf_counter() - t0
        summary_rows = conn.execute("SELECT count(*) FROM bench_summary").fetchone()[0]
    os.environ["MARKET_TRENDS_CONNECTION_BENCH"] = url
    mapping = {c: c for c in ("date", "segment", "region", "company", "units", "revenue")}
    out = {"load_s": round(load_s, 1), "index_s": round(index_s, 1), "summary_s": round(summary_s, 1),
           "summary_rows": summary_rows}
    for label, table in (("raw", "bench_market"), ("summary", "bench_summary")):
        store = LiveStore(LiveSpec("bench", table, mapping))
        segments, regions = store.distinct("market", "segment"), store.distinct("market", "region")
        slices = [MarketFilter(segments=(segments[i % len(segments)],),
                               regions=(regions[i % len(regions)], regions[(i + 1) % len(regions)]))
                  for i in range(repeat)]
        store.market_totals(slices[0], ["date", "company"])  # warm-up (and the buffer cache)
        times = []
        for where in slices:
            t0 = time.perf_counter()
            result = store.market_totals(where, ["date", "company"])
            times.append(1000 * (time.perf_counter() - t0))
        out[label] = {"median_ms": round(statistics.median(times), 1),
                      "p90_ms": round(sorted(times)[9 * len(times) // 10], 1), "result_rows": len(result)}
    with psycopg.connect(libpq, autocommit=True) as conn:
        out["rows"] = conn.execute("SELECT count(*) FROM bench_market").fetchone()[0]
        conn.execute("DROP TABLE bench_market, bench_summary")
    return out


def postgres_url() -> tuple[str, object]:
    """MARKET_TRENDS_TEST_PG_URL, else a throwaway cluster (tests/pg.py); the cluster to stop, or None."""
    import os

    if os.environ.get("MARKET_TRENDS_TEST_PG_URL"):
        return os.environ["MARKET_TRENDS_TEST_PG_URL"], None
    from tests.pg import start_cluster

    cluster = start_cluster()
    return cluster.url, cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/market-bench"))
    parser.add_argument("--postgres", action="store_true", help="also run the aggregate in PostgreSQL")
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
    if not args.postgres:
        return
    url, cluster = postgres_url()
    try:
        print("\nPostgreSQL (same rows, same aggregate, through data/live_sql.LiveStore; 2 shared cores)")
        print(f"{'rows':>12} {'load s':>7} {'index s':>8} {'summary s':>10} {'raw+index median ms':>20} "
              f"{'p90':>7} {'summary median ms':>18} {'p90':>7}")
        for rows in args.rows:
            r = measure_postgres(parquet_for(rows, args.dir), args.repeat, url)
            print(f"{r['rows']:>12,} {r['load_s']:>7} {r['index_s']:>8} {r['summary_s']:>10} "
                  f"{r['raw']['median_ms']:>20} {r['raw']['p90_ms']:>7} {r['summary']['median_ms']:>18} "
                  f"{r['summary']['p90_ms']:>7}   (summary: {r['summary_rows']:,} rows)")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
