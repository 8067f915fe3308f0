"""Accuracy, interval coverage and CPU of `analysis.forecast` on every bench-data set.

    python -m bench.forecast                              # every set, every series (one process)
    python -m bench.forecast --set tourism-monthly        # one set (repeat --set for several)
    python -m bench.forecast --set m1-monthly --every 5   # every 5th series: a quick check
    python -m bench.forecast --out /tmp/results.csv       # per-series results as well

Protocol (the bench-data README): forecast the last h values of each series from the rest
with `forecast(y, h, season_length=m, level=0.9, method="auto")`; m is 12 monthly, 4
quarterly, 1 yearly and "other". sMAPE = mean of 200|y - f| / (|y| + |f|) with negative
forecasts set to 0 (0 when both are 0), averaged over series; MASE scales the mean absolute
error by the in-sample mean absolute seasonal-naive difference (lag 1 for yearly data, or
when the series is no longer than one season). Coverage is the share of hold-out values
inside the 90% band; width is the band's mean width in the same scale as MASE (so sets
compare); MSIS is the mean scaled interval score of Gneiting & Raftery (2007) as used in M4.
CPU is `time.process_time` per call, cache cold, in this one process: BLAS threads are
whatever numpy starts with, since the engine is meant to limit its own (no caller capping).

Sources: M3, Makridakis & Hibon (2000), "The M3-Competition: results, conclusions and
implications", IJF 16(4), 451-476, Table 6 (published sMAPE). Tourism, Athanasopoulos,
Hyndman, Song & Wu (2011), "The tourism forecasting competition", IJF 27(3), 822-844. M1,
Makridakis et al. (1982), "The accuracy of extrapolation (time series) methods", Journal of
Forecasting 1(2). Reference figures for tourism and M1 (Theta, AutoETS, AutoARIMA from the
statsforecast library, and their mean) are those of `../shared/bench-data/README.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = Path("../shared/bench-data")
LEVEL = 0.9

#: set name -> (file, freq in the file, season length)
SETS: dict[str, tuple[str, str, int]] = {
    "tourism-monthly": ("tourism.csv", "monthly", 12),
    "tourism-quarterly": ("tourism.csv", "quarterly", 4),
    "tourism-yearly": ("tourism.csv", "yearly", 1),
    "m1-monthly": ("m1_monthly_quarterly.csv", "monthly", 12),
    "m1-quarterly": ("m1_monthly_quarterly.csv", "quarterly", 4),
    "m3-yearly": ("m3_yearly_quarterly_other.csv", "yearly", 1),
    "m3-quarterly": ("m3_yearly_quarterly_other.csv", "quarterly", 4),
    "m3-other": ("m3_yearly_quarterly_other.csv", "other", 1),
}

#: The bars: bench-data README (statsforecast Theta, AutoETS, AutoARIMA and the mean of their
#: forecasts, measured 2026-12-01) and, for M3, the published Theta (Makridakis & Hibon 2000).
REFERENCE: dict[str, dict[str, dict[str, float]]] = {
    "tourism-monthly": {
        "smape": {"Theta": 20.16, "AutoETS": 19.09, "AutoARIMA": 19.39, "mean": 18.30},
        "mase": {"Theta": 1.666, "AutoETS": 1.531, "AutoARIMA": 1.488, "mean": 1.454},
    },
    "tourism-quarterly": {
        "smape": {"Theta": 15.48, "AutoETS": 14.84, "mean": 14.67},
        "mase": {"Theta": 1.670, "AutoETS": 1.599, "mean": 1.583},
    },
    "m1-monthly": {
        "smape": {"Theta": 16.51, "AutoETS": 14.91, "mean": 15.42},
        "mase": {"Theta": 1.091, "AutoETS": 1.090, "mean": 1.059},
    },
    "m1-quarterly": {
        "smape": {"Theta": 16.32, "AutoETS": 16.34, "mean": 16.01},
        "mase": {"Theta": 1.705, "AutoETS": 1.659, "mean": 1.648},
    },
    "m3-yearly": {"smape": {"Theta": 16.90}},
    "m3-quarterly": {"smape": {"Theta": 8.96}},
    "m3-other": {"smape": {"Theta": 4.41}},
}


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    predicted = np.maximum(predicted, 0.0)
    denominator = np.abs(actual) + np.abs(predicted)
    ratio = np.divide(200 * np.abs(actual - predicted), denominator, out=np.zeros(len(actual)), where=denominator > 0)
    return float(np.mean(ratio))


def naive_scale(train: np.ndarray, m: int) -> float:
    lag = m if m > 1 and len(train) > m else 1
    return float(np.mean(np.abs(train[lag:] - train[:-lag])))


def evaluate(name: str, values: np.ndarray, h: int, m: int) -> dict:
    """Forecast one series' hold-out and score it."""
    from analysis.forecast import clear_cache, forecast

    train, actual = values[:-h], values[-h:]
    clear_cache()
    started = time.process_time()
    result = forecast(pd.Series(train), h, season_length=m, level=LEVEL, method="auto")
    seconds = time.process_time() - started
    mean, lower, upper = (s.to_numpy() for s in (result.mean, result.lower, result.upper))
    scale = naive_scale(train, m)
    alpha = 1 - LEVEL
    score = (upper - lower) + (2 / alpha) * ((lower - actual) * (actual < lower) + (actual - upper) * (actual > upper))
    return {
        "series": name,
        "smape": smape(actual, mean),
        "mase": float(np.mean(np.abs(actual - mean)) / scale) if scale > 0 else np.nan,
        "coverage": float(np.mean((lower <= actual) & (actual <= upper))),
        "width": float(np.mean(upper - lower) / scale) if scale > 0 else np.nan,
        "msis": float(np.mean(score) / scale) if scale > 0 else np.nan,
        "backtest_coverage": result.coverage,
        "method": result.method,
        "members": [n for n in result.backtest.index[result.backtest["chosen"]] if n != "combination"],
        "seconds": seconds,
    }


def load(data: Path, name: str, every: int, limit: int | None) -> list[tuple[str, np.ndarray, int]]:
    file, freq, _ = SETS[name]
    frame = pd.read_csv(data / file)
    part = frame[frame["freq"] == freq].sort_values(["series", "t"])
    names = list(dict.fromkeys(part["series"]))[::every][:limit]
    groups = dict(tuple(part[part["series"].isin(names)].groupby("series")))
    return [(s, groups[s]["y"].to_numpy(dtype=float), int(groups[s]["h"].iloc[0])) for s in names]


def run_set(data: Path, name: str, every: int, limit: int | None) -> pd.DataFrame:
    m = SETS[name][2]
    rows = [evaluate(series, values, h, m) for series, values, h in load(data, name, every, limit)]
    results = pd.DataFrame(rows)
    results.insert(0, "set", name)
    return results


def summarise(results: pd.DataFrame) -> dict:
    seconds = results["seconds"]
    return {
        "series": len(results),
        "smape": results["smape"].mean(),
        "mase": results["mase"].mean(),
        "coverage": results["coverage"].mean(),
        "width": results["width"].mean(),
        "msis": results["msis"].mean(),
        "backtest_coverage": results["backtest_coverage"].mean(),
        "cpu_median_ms": 1000 * seconds.median(),
        "cpu_p90_ms": 1000 * seconds.quantile(0.9),
    }


def verdict(name: str, row: dict) -> str:
    """Which reference figures the set beats ("<" means ours is lower, i.e. better)."""
    parts = []
    for measure, refs in REFERENCE.get(name, {}).items():
        ours = row[measure]
        for method, ref in refs.items():
            parts.append(f"{measure} {'<' if ours < ref else '>='} {method} {ref:g}")
    return "; ".join(parts)


def report(name: str, results: pd.DataFrame, detail: bool) -> dict:
    row = summarise(results)
    print(
        f"{name:18} n={row['series']:4d}  sMAPE {row['smape']:6.2f}  MASE {row['mase']:6.3f}  "
        f"cover {row['coverage']:5.1%} (backtest {row['backtest_coverage']:5.1%})  width {row['width']:6.2f}  "
        f"MSIS {row['msis']:6.2f}  CPU median {row['cpu_median_ms']:4.0f} ms p90 {row['cpu_p90_ms']:4.0f} ms",
        flush=True,
    )
    if REFERENCE.get(name):
        print(f"{'':18} {verdict(name, row)}", flush=True)
    if detail:
        chosen = Counter(results["method"])
        print(f"{'':18} chosen: " + ", ".join(f"{k} {v}" for k, v in chosen.most_common()))
        members = Counter(n for names in results["members"] for n in names)
        print(f"{'':18} in the forecast: " + ", ".join(f"{k} {v}" for k, v in members.most_common()))
    return row


def resolve_data(path: Path) -> Path:
    """`path` as given, else relative to the repo root; the default also looks one level further up
    (a git worktree under `wt/<name>` sits one folder deeper than the main checkout)."""
    if path.is_absolute():
        return path
    for base in (Path.cwd(), ROOT, *ROOT.parents):
        if (base / path).is_dir():
            return (base / path).resolve()
    for base in ROOT.parents:
        if path == DEFAULT_DATA and (base / "shared" / "bench-data").is_dir():
            return base / "shared" / "bench-data"
    raise SystemExit(f"bench data not found: {path} (give --data)")


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bench-data folder, relative to the repo root")
    parser.add_argument("--set", dest="sets", choices=list(SETS), action="append", help="repeat for several")
    parser.add_argument("--every", type=int, default=1, help="every k-th series of each set (quick checks)")
    parser.add_argument("--limit", type=int, help="at most N series of each set")
    parser.add_argument("--detail", action="store_true", help="which models were chosen")
    parser.add_argument("--out", type=Path, help="write per-series results to this CSV")
    args = parser.parse_args(argv)
    data = resolve_data(args.data)
    print(f"forecast(method='auto'), {LEVEL:.0%} intervals, measured {dt.date.today().isoformat()}", flush=True)
    frames = []
    for name in args.sets or list(SETS):
        results = run_set(data, name, args.every, args.limit)
        report(name, results, args.detail)
        frames.append(results)
    everything = pd.concat(frames, ignore_index=True)
    if args.out:
        everything.to_csv(args.out, index=False)
        print(f"per-series results: {args.out}")
    return everything


if __name__ == "__main__":
    main()
