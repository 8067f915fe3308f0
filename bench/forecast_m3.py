"""Accuracy of `analysis.forecast` on the M3 competition, beside the published results.

    python -m bench.forecast_m3                       # all 1,575 yearly, quarterly and "other" series
    python -m bench.forecast_m3 --limit 100           # the first 100 series of each group (quick check)
    python -m bench.forecast_m3 --group quarterly --workers 1

Protocol (the data folder's README): forecast the last h values (6 yearly, 8 quarterly
and other) from the rest with `forecast(..., method="auto")`; season length 1 yearly,
4 quarterly, 1 other. sMAPE = mean of 200|y - f| / (|y| + |f|) with negative forecasts
set to 0, averaged over series; MASE scales the mean absolute error by the in-sample
mean absolute seasonal-naive difference. Coverage is the share of hold-out values inside
the 90% interval; "backtest" is the coverage the engine itself predicted from its
rolling-origin replays, for comparison.

Published sMAPE: Makridakis, S. & Hibon, M. (2000). The M3-Competition: results,
conclusions and implications. International Journal of Forecasting 16(4), 451-476,
Table 6. Times are CPU seconds per series in the worker (one core each).
"""

from __future__ import annotations

import os

# Tiny matrices gain nothing from BLAS threads, and their spin-waiting inflates CPU time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from multiprocessing import Pool  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PATH = Path("../shared/bench-data/m3_yearly_quarterly_other.csv")
GROUPS = ("yearly", "quarterly", "other")
SEASON = {"yearly": 1, "quarterly": 4, "other": 1}
LEVEL = 0.9

# Makridakis & Hibon (2000), IJF 16, Table 6: sMAPE, average over all horizons.
PUBLISHED = {
    "Naive2": {"yearly": 17.88, "quarterly": 9.95, "other": 6.30},
    "Single ES": {"yearly": 17.82, "quarterly": 9.72, "other": 6.29},
    "Damped trend": {"yearly": 17.18, "quarterly": 9.33, "other": 4.61},
    "Automatic Box-Jenkins": {"yearly": 17.73, "quarterly": 10.26, "other": 5.06},
    "ForecastPro": {"yearly": 17.14, "quarterly": 9.77, "other": 4.60},
    "Theta (winner)": {"yearly": 16.90, "quarterly": 8.96, "other": 4.41},
}


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    predicted = np.maximum(predicted, 0.0)
    return float(np.mean(200 * np.abs(actual - predicted) / (np.abs(actual) + np.abs(predicted))))


def mase(train: np.ndarray, actual: np.ndarray, predicted: np.ndarray, m: int) -> float:
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(actual - predicted)) / scale)


def evaluate(task: tuple[str, str, np.ndarray, int]) -> dict:
    """Forecast one series' hold-out and score it (runs in a worker process)."""
    from analysis.forecast import forecast

    name, group, values, h = task
    train, actual = values[:-h], values[-h:]
    m = SEASON[group]
    started = time.process_time()
    result = forecast(pd.Series(train), h, season_length=m, level=LEVEL, method="auto")
    seconds = time.process_time() - started
    mean, lower, upper = (s.to_numpy() for s in (result.mean, result.lower, result.upper))
    return {
        "series": name,
        "group": group,
        "smape": smape(actual, mean),
        "mase": mase(train, actual, mean, m),
        "coverage": float(np.mean((lower <= actual) & (actual <= upper))),
        "backtest_coverage": result.coverage,
        "method": result.method,
        "members": result.backtest.index[result.backtest["chosen"]].tolist(),
        "seconds": seconds,
    }


def load(path: Path, groups: list[str], limit: int | None) -> list[tuple[str, str, np.ndarray, int]]:
    frame = pd.read_csv(path)
    tasks = []
    for group in groups:
        part = frame[frame["freq"] == group]
        names = list(dict.fromkeys(part["series"]))[:limit]
        by_series = {name: rows.sort_values("t") for name, rows in part[part["series"].isin(names)].groupby("series")}
        for name in names:
            rows = by_series[name]
            tasks.append((name, group, rows["y"].to_numpy(dtype=float), int(rows["h"].iloc[0])))
    return tasks


def report(results: pd.DataFrame, wall: float) -> None:
    groups = [g for g in GROUPS if g in set(results["group"])]
    print(f"\nM3 hold-out accuracy of forecast(method='auto'), {LEVEL:.0%} intervals")
    header = f"{'':24}" + "".join(f"{g:>12}" for g in groups)
    print(header)
    print(f"{'series':24}" + "".join(f"{(results['group'] == g).sum():>12d}" for g in groups))
    for column, label, fmt in (
        ("smape", "sMAPE (ours)", "{:>12.2f}"),
        ("mase", "MASE (ours)", "{:>12.2f}"),
        ("coverage", "90% coverage, hold-out", "{:>12.1%}"),
        ("backtest_coverage", "90% coverage, backtest", "{:>12.1%}"),
    ):
        values = [results.loc[results["group"] == g, column].mean() for g in groups]
        print(f"{label:24}" + "".join(fmt.format(v) for v in values))
    print("published sMAPE (Makridakis & Hibon 2000, IJF 16, Table 6):")
    for method, row in PUBLISHED.items():
        print(f"  {method:22}" + "".join(f"{row[g]:>12.2f}" for g in groups))
    theta = PUBLISHED["Theta (winner)"]
    verdict = [
        f"{g}: {'beats' if results.loc[results['group'] == g, 'smape'].mean() <= theta[g] else 'misses'} Theta"
        for g in groups
    ]
    print("  " + ", ".join(verdict))
    seconds = results["seconds"]
    print(
        f"\ntime per series (CPU, one core each): median {1000 * seconds.median():.0f} ms, "
        f"p90 {1000 * seconds.quantile(0.9):.0f} ms, total {seconds.sum():.0f} s; wall {wall:.0f} s"
    )
    chosen = Counter(results["method"])
    print("chosen: " + ", ".join(f"{name} {count}" for name, count in chosen.most_common()))
    members = Counter(name for names in results["members"] for name in names if name != "combination")
    print("in the forecast: " + ", ".join(f"{name} {count}" for name, count in members.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="CSV, relative to the repo root if not absolute")
    parser.add_argument("--group", choices=GROUPS, action="append", help="repeat for several; default all")
    parser.add_argument("--limit", type=int, help="first N series of each group")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="write per-series results to this CSV")
    args = parser.parse_args()
    path = args.path if args.path.is_absolute() else (ROOT / args.path).resolve()
    tasks = load(path, args.group or list(GROUPS), args.limit)
    started = time.perf_counter()
    with Pool(args.workers) as pool:
        rows = pool.map(evaluate, tasks, chunksize=4)
    results = pd.DataFrame(rows)
    report(results, time.perf_counter() - started)
    if args.out:
        results.to_csv(args.out, index=False)
        print(f"per-series results: {args.out}")


if __name__ == "__main__":
    main()
