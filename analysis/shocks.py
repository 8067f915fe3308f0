"""Market shocks: periods when the whole market fell (or jumped) far from its usual level.

A shock is what a supply shortage, a lockdown or a one-off deal does to a
market total: a drop or spike that its season and trend do not explain. Each
period is compared with what its own month a year earlier predicts, grown by
the market's typical growth. The comparison uses the *cleaned* history (shock
periods replaced by what was expected), so the rebound a year after a dent is
not a second shock. A deviation counts when it is both large in percent and
far outside the series' usual noise (a robust z-score).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.findings import Finding

MIN_SHOCK = 0.08  # a shock moves the market at least 8% from its expected level
MIN_Z = 4.0  # and at least this many robust standard deviations of its usual surprises
MIN_LONE_Z = 8.0  # a single shocked period, with no shocked neighbour, must be this far out


@dataclass(frozen=True)
class Shock:
    start: pd.Timestamp
    end: pd.Timestamp
    periods: int
    deviation: float  # percent of the expected level, averaged over the shock (negative: a drop)
    volume: float  # the measure's total gained (positive) or lost (negative) against expected


def _expected(values: np.ndarray, season: int, flagged: np.ndarray) -> np.ndarray:
    """What each period's own period a year earlier predicts, on the history with flagged periods cleaned."""
    clean = values.astype(float).copy()
    expected = np.full(len(values), np.nan)
    for t in range(season, len(values)):
        lags = [s for s in range(max(season, t - season), t) if clean[s] > 0 and clean[s - season] > 0]
        growth = float(np.median([np.log(clean[s] / clean[s - season]) for s in lags])) if lags else 0.0
        if clean[t - season] > 0:
            expected[t] = clean[t - season] * np.exp(growth)
        if flagged[t] and np.isfinite(expected[t]):
            clean[t] = expected[t]
    return expected


def regular(dates: pd.Index) -> bool:
    """No gaps: every step between dates is about the same length (28–31 days for months)."""
    days = pd.Series(pd.DatetimeIndex(dates)).diff().dt.days.dropna()
    return not days.empty and days.max() <= 1.2 * days.min()


def _runs(candidate: np.ndarray, z: np.ndarray, surprise: np.ndarray) -> np.ndarray:
    """Keep runs of two or more same-signed candidates, and lone periods only when extreme (MIN_LONE_Z):
    one noisy month in a small slice is not a shock, and a false flag would distort the next year's base."""
    keep = candidate.copy()
    for t in np.flatnonzero(candidate):
        neighbours = [u for u in (t - 1, t + 1) if 0 <= u < len(candidate) and candidate[u]
                      and np.sign(surprise[u]) == np.sign(surprise[t])]
        keep[t] = bool(neighbours) or z[t] >= MIN_LONE_Z
    return keep


def shocks(series: pd.Series, season: int) -> list[Shock]:
    """Runs of shocked periods in a regular, positive market total (index: dates, sorted)."""
    values = series.to_numpy(dtype=float)
    if season < 2 or len(values) < 3 * season or (values <= 0).any() or not regular(series.index):
        return []
    flagged = np.zeros(len(values), dtype=bool)
    for _ in range(5):  # flag, clean, flag again: a big dent hides the smaller periods around it at first
        expected = _expected(values, season, flagged)
        surprise = np.log(values / expected)
        usual = surprise[np.isfinite(surprise) & ~flagged]
        if len(usual) < season:
            return []
        scale = 1.4826 * float(np.median(np.abs(usual - np.median(usual)))) or 1e-9
        z = np.where(np.isfinite(surprise), np.abs(surprise - np.median(usual)) / scale, 0.0)
        new = _runs(np.isfinite(surprise) & (np.abs(surprise) >= np.log1p(MIN_SHOCK)) & (z >= MIN_Z), z, surprise)
        if (new == flagged).all():
            break
        flagged = new
    expected = _expected(values, season, flagged)
    surprise = np.log(values / expected)
    found, t = [], 0
    while t < len(values):
        if not flagged[t]:
            t += 1
            continue
        sign, end = np.sign(surprise[t]), t
        while end + 1 < len(values) and flagged[end + 1] and np.sign(surprise[end + 1]) == sign:
            end += 1
        run = slice(t, end + 1)
        found.append(Shock(series.index[t], series.index[end], end - t + 1,
                           float(100 * (values[run].sum() / expected[run].sum() - 1)),
                           float((values[run] - expected[run]).sum())))
        t = end + 1
    return found


def shock_findings(series: pd.Series, season: int, measure: str, period: str, recent: int) -> list[Finding]:
    """Shocks that started in the last `recent` periods, as findings sized by the volume gained or lost."""
    if measure not in ("revenue", "units"):
        return []
    cutoff = series.index[-recent] if len(series) >= recent else series.index[0]
    found = []
    for shock in shocks(series, season):
        if shock.start < cutoff:
            continue
        fell = shock.deviation < 0
        span = (f"in {shock.start:%b %Y}" if shock.periods == 1
                else f"from {shock.start:%b %Y} to {shock.end:%b %Y}")
        word = "revenue" if measure == "revenue" else "units"
        amount = f"${abs(shock.volume):,.0f}" if measure == "revenue" else f"{abs(shock.volume):,.0f} units"
        text = (f"A market shock: {word} {'fell' if fell else 'jumped'} {abs(shock.deviation):.0f}% "
                f"{'below' if fell else 'above'} their usual level {span} ({amount} against the same "
                f"{period}s a year before, grown at the market's usual rate).")
        found.append(Finding(
            "shock", text, abs(shock.volume), "market", {}, "risk" if fell else "neutral",
            "USD" if measure == "revenue" else "units",
            why=(f"Every company's {word} moved with the market: a {'drop' if fell else 'jump'} this size is outside "
                 "anything the season and trend explain."),
            watch=("Whether the next periods return to the usual level; a lasting drop changes the forecast's base."
                   if fell else "Whether the jump holds: a one-off pulls demand forward from the next periods."),
            when=shock.start, label=f"Market shock ({shock.deviation:+.0f}%)",
            clause=f"the market {'fell' if fell else 'jumped'} {abs(shock.deviation):.0f}% {span}"))
    return found


def shock_marks(series: pd.Series, season: int) -> list[tuple[pd.Timestamp, str]]:
    """Every shock in the history as a chart mark (start, short label), for the market-size chart."""
    return [(shock.start, f"Market shock ({shock.deviation:+.0f}%)") for shock in shocks(series, season)]
