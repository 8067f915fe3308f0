"""How long a forecast takes on the kind of series the dashboard shows.

    python -m bench.forecast_speed              # 30 monthly series, 18 months ahead, 3 repeats
    python -m bench.forecast_speed --repeat 5

1. Single forecasts: `forecast(y, 18, method="auto")` on 30 monthly series of 96-144
   points (season 12, the demo market's segment/region totals cut to various lengths,
   plus synthetic trend-and-season series up to 144 points), cache cleared before each
   call, CPU time (time.process_time) on one core. Budget: median < 250 ms.
2. The Market page: the monthly market total of every segment and every region, for
   units and revenue, forecast cold (cache cleared) and then warm (the same calls again,
   served from the engine's cache). Budget: < 3 s cold, < 100 ms warm.
"""

from __future__ import annotations

# No BLAS thread cap here: the engine limits its own threads for each fit (threadpoolctl),
# and this measures what a notebook user or a batch job gets without capping them.
import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.forecast import clear_cache, forecast  # noqa: E402

DEMO = ROOT / "data" / "demo" / "market.csv"
HORIZON = 18


def demo_totals(by: str, measure: str) -> dict[str, pd.Series]:
    """Monthly market totals per value of `by` (segment or region), as the Market page forecasts them."""
    market = pd.read_csv(DEMO, parse_dates=["date"])
    wide = market.pivot_table(index="date", columns=by, values=measure, aggfunc="sum").asfreq("MS")
    return {f"{by}={name} {measure}": wide[name].rename(measure) for name in wide.columns}


def benchmark_series(count: int = 30, seed: int = 1) -> list[pd.Series]:
    """Demo segment/region totals cut to 96-120 months, then synthetic ones of 121-144 months."""
    demo = [s for by in ("segment", "region") for measure in ("units", "revenue") for s in demo_totals(by, measure).values()]
    rng = np.random.default_rng(seed)
    series = []
    for i, s in enumerate(demo[: count * 2 // 3]):
        series.append(s.iloc[-(96 + (i * 3) % 25) :])
    while len(series) < count:
        n = int(rng.integers(121, 145))
        t = np.arange(n)
        level = rng.uniform(500, 5000)
        values = level * (1 + rng.uniform(-0.002, 0.01) * t) * (1 + rng.uniform(0.05, 0.3) * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6)))
        values *= np.exp(rng.normal(0, rng.uniform(0.02, 0.08), n))
        series.append(pd.Series(values, index=pd.date_range("2013-01-01", periods=n, freq="MS")))
    return series


def cpu_ms(call) -> tuple[float, object]:
    started = time.process_time()
    result = call()
    return 1000 * (time.process_time() - started), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timings per series; the median is kept")
    args = parser.parse_args()

    forecast(benchmark_series(1)[0], HORIZON)  # imports and first-call set-up are not a forecast's cost
    per_series, models = [], {}
    for y in benchmark_series():
        times = []
        for _ in range(args.repeat):
            clear_cache()
            ms, result = cpu_ms(lambda: forecast(y, HORIZON, method="auto"))
            times.append(ms)
        per_series.append(statistics.median(times))
        models[result.method] = models.get(result.method, 0) + 1
    per_series.sort()
    p90 = per_series[int(0.9 * (len(per_series) - 1))]
    print(f"forecast(y, {HORIZON}, method='auto') on {len(per_series)} monthly series of 96-144 points, cache cleared:")
    print(
        f"  CPU per forecast: median {statistics.median(per_series):.0f} ms, p90 {p90:.0f} ms, "
        f"min {per_series[0]:.0f} ms, max {per_series[-1]:.0f} ms  (budget: median < 250 ms)"
    )
    print("  chosen: " + ", ".join(f"{name} {count}" for name, count in sorted(models.items(), key=lambda kv: -kv[1])))

    page = [s for by in ("segment", "region") for measure in ("units", "revenue") for s in demo_totals(by, measure).values()]
    clear_cache()
    wall = time.perf_counter()
    cold_cpu, _ = cpu_ms(lambda: [forecast(s, HORIZON) for s in page])
    cold_wall = time.perf_counter() - wall
    wall = time.perf_counter()
    warm_cpu, _ = cpu_ms(lambda: [forecast(s, HORIZON) for s in page])
    warm_wall = time.perf_counter() - wall
    print(f"Market page: {len(page)} monthly totals (every segment and region, units and revenue), {len(page[0])} months each:")
    print(f"  cold: {cold_cpu / 1000:.2f} s CPU ({cold_wall:.2f} s wall)  (budget: < 3 s)")
    print(f"  warm: {warm_cpu:.1f} ms CPU ({1000 * warm_wall:.1f} ms wall)  (budget: < 100 ms)")


if __name__ == "__main__":
    main()
