"""Breaks in a tracker's series: a share that jumps further in one period than its history makes plausible.

Trackers change their panels and methods (StatCounter re-weighting "Other",
a survey changing its sample), and the series then jumps without the market
having moved. A jump is a break when it is several times the company's
typical one-period move (a robust spread, the median absolute deviation, so
the jump itself does not hide it), at least `MIN_POINTS` share points, and the
old level held for `HOLD` periods before it and the new level holds for `HOLD`
periods after (a spike or a dip of a period or two that goes back, such as a
company's rows missing for two months, is not a method). Breaks are reported,
never corrected: the user knows the tracker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.share_findings import share_table

MIN_POINTS = 2.0  # a break smaller than this is not worth a word
FACTOR = 6.0  # times the typical one-period move
HOLD = 3  # periods before and after the jump whose levels must differ as the jump says
REVERT = 2 * HOLD  # a level that comes back within this many periods was an excursion (rows missing), not a method


@dataclass(frozen=True)
class Break:
    company: str
    date: pd.Timestamp  # the first period at the new level
    before: float  # share in the period before, percent
    after: float  # share in `date`
    typical: float  # typical one-period move of this company, share points

    @property
    def jump(self) -> float:
        return self.after - self.before

    def describe(self) -> str:
        return f"{self.company} {self.before:.1f}% → {self.after:.1f}% in {self.date:%b %Y}"


def share_breaks(totals: pd.DataFrame, measure: str, *, min_points: float = MIN_POINTS, factor: float = FACTOR,
                 hold: int = HOLD) -> list[Break]:
    """Breaks in the shares of `measure` per (`date`, `company`), oldest first."""
    if totals.empty or measure not in totals:
        return []
    shares = share_table(totals, measure, rest=()).shares
    found = []
    for company in shares.columns:
        series = shares[company].to_numpy()
        steps = np.diff(series)
        if len(steps) < 2 * hold:
            continue
        typical = max(1.4826 * float(np.median(np.abs(steps - np.median(steps)))), 0.05)
        limit = max(factor * typical, min_points)
        for i in np.flatnonzero(np.abs(steps) > limit):
            if series[i] <= 0 or series[i + 1] <= 0:
                continue  # an entry or an exit, not a change of method
            level_before = float(np.median(series[max(0, i + 1 - hold):i + 1]))
            level_after = float(np.median(series[i + 1:i + 1 + hold]))
            if abs(level_after - level_before) < 0.5 * abs(steps[i]) or np.sign(level_after - level_before) != np.sign(steps[i]):
                continue  # a spike that went back: noise, not a new method
            middle, side = (series[i] + series[i + 1]) / 2, np.sign(steps[i])
            if (np.any(np.sign(series[max(0, i + 1 - hold):i + 1] - middle) != -side)
                    or np.any(np.sign(series[i + 1:i + 1 + hold] - middle) != side)):
                continue  # the old level did not hold `hold` periods before, or the new one after: a dip of a
                # period or two (such as a company's rows missing for two months) is not a new method
            if _excursion(series, steps, i, hold):
                continue  # three months or more of a company's rows missing in part of the market, then back
            found.append(Break(str(company), shares.index[i + 1], float(series[i]), float(series[i + 1]), typical))
    return sorted(found, key=lambda b: (b.date, -abs(b.jump)))


def _excursion(series: np.ndarray, steps: np.ndarray, i: int, hold: int) -> bool:
    """Whether the jump after period `i` starts or ends a temporary level (a stretch of a company's rows
    missing in part of the market): within `REVERT` periods a jump at least half as big goes the other way,
    and outside the two jumps the series is where its drift would have taken it. A tracker's new method stays."""
    drift, tolerance = float(np.median(steps)), abs(steps[i]) / 2

    def level(start: int) -> float:
        return float(np.median(series[max(0, start):start + hold]))

    for j in [*range(i + hold, min(len(steps), i + REVERT + 1)), *range(max(0, i - REVERT), max(0, i - hold + 1))]:
        if steps[j] * steps[i] >= 0 or abs(steps[j]) < tolerance:
            continue
        first, last = min(i, j), max(i, j)  # the excursion runs from after `first` to `last`
        outside_before, outside_after = level(first - hold + 1), level(last + 1)
        if abs(outside_after - (outside_before + drift * (last - first))) < tolerance:
            return True
    return False


def describe_breaks(breaks: list[Break]) -> str:
    """One sentence for a basis line or the Data page; empty when there are none."""
    if not breaks:
        return ""
    by_date: dict[pd.Timestamp, list[Break]] = {}
    for b in breaks:
        by_date.setdefault(b.date, []).append(b)
    parts = [", ".join(b.describe() for b in group) for group in by_date.values()]
    return ("Likely a change in the tracker's method, not in the market: " + "; ".join(parts)
            + ". Compare periods on either side with care.")


def breaks_between(breaks: list[Break], start: pd.Timestamp, end: pd.Timestamp) -> list[Break]:
    """Breaks whose new level starts after `start` and no later than `end`."""
    return [b for b in breaks if start < b.date <= end]
