"""Headline figures for the Overview: the last twelve months against the twelve before.

Comparing rolling twelve-month windows removes seasonality from the growth
figures, which is what an executive wants when asking "are we growing?".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

WINDOW = 12


@dataclass(frozen=True)
class Headline:
    """Market and our figures over the latest window and the one before it.

    `previous_*` and the changes are None when the data holds fewer than two
    full windows, so the page can say so instead of showing a made-up delta.
    """

    measure: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    market: float
    ours: float
    share: float  # our share of the market, in percent
    previous_market: float | None
    previous_ours: float | None
    previous_share: float | None

    @property
    def market_growth(self) -> float | None:
        """Market growth in percent, last window against the previous one."""
        return _growth(self.market, self.previous_market)

    @property
    def our_growth(self) -> float | None:
        return _growth(self.ours, self.previous_ours)

    @property
    def share_change(self) -> float | None:
        """Change in our share, in percentage points."""
        return None if self.previous_share is None else self.share - self.previous_share


def headline(monthly: pd.DataFrame, ours: str, measure: str, window: int = WINDOW) -> Headline:
    """Headline figures from totals per period and company (`date`, `company`, measure).

    The windows (twelve months, four quarters, …) end at the latest period.
    """
    if monthly.empty:
        raise ValueError("no data in the chosen slice")
    by_month = monthly.pivot_table(
        index="date", columns="company", values=measure, aggfunc="sum", fill_value=0.0
    ).sort_index()
    market = by_month.sum(axis=1)
    our = by_month[ours] if ours in by_month.columns else pd.Series(0.0, index=by_month.index)
    last = slice(-window, None)
    has_previous = len(by_month) >= 2 * window
    prev = slice(-2 * window, -window)
    return Headline(
        measure=measure,
        window_start=by_month.index[last][0],
        window_end=by_month.index[-1],
        market=float(market.iloc[last].sum()),
        ours=float(our.iloc[last].sum()),
        share=_share(our.iloc[last].sum(), market.iloc[last].sum()),
        previous_market=float(market.iloc[prev].sum()) if has_previous else None,
        previous_ours=float(our.iloc[prev].sum()) if has_previous else None,
        previous_share=_share(our.iloc[prev].sum(), market.iloc[prev].sum()) if has_previous else None,
    )


def growth_by(frame: pd.DataFrame, column: str, measure: str, window: int = WINDOW) -> pd.Series:
    """Growth in percent of each `column` value, the last year against the first.

    Used to name the fastest-growing segment in a chart title. Values with no
    sales in the first window get NaN rather than an infinite growth rate.
    """
    wide = frame.pivot_table(index="date", columns=column, values=measure, aggfunc="sum").sort_index()
    if len(wide) < 2 * window:
        return pd.Series(np.nan, index=wide.columns, dtype="float64")
    first, last = wide.iloc[:window].sum(), wide.iloc[-window:].sum()
    return (100.0 * (last / first.where(first > 0) - 1.0)).sort_values(ascending=False)


def _share(part: float, whole: float) -> float:
    return float(100.0 * part / whole) if whole > 0 else 0.0


def _growth(now: float, before: float | None) -> float | None:
    if before is None or before <= 0:
        return None
    return 100.0 * (now / before - 1.0)
