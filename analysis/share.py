"""Market share per company and period, the basis of "are we winning?".

Shares are computed on whatever companies a period has, so entrants appear
from their first month and leavers drop out without gaps or division by zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def period_totals(dates: pd.Series, values: pd.Series) -> pd.Series:
    """Per row, the total of its period (NaN when the period has no figure at all).

    Bit for bit what `values.groupby(dates).transform(lambda s: s.sum(min_count=1))` gives (the
    same numpy sum of each period's values in row order), without a pandas Series per period:
    that cost ~20 ms a call, on every chart and finding that shows shares.
    """
    codes, _ = pd.factorize(dates, sort=False)
    if values.dtype != np.float64 or values.empty or (codes < 0).any():  # ints, nothing, or rows with no date
        return values.groupby(dates).transform(lambda s: s.sum(min_count=1))
    order = np.argsort(codes, kind="stable")
    groups, numbers = codes[order], values.to_numpy()[order]
    missing = np.isnan(numbers)
    filled = np.where(missing, 0.0, numbers)
    totals = np.full(codes.max() + 1, np.nan)
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for start, stop in zip(bounds[:-1], bounds[1:]):
        if not missing[start:stop].all():
            totals[groups[start]] = filled[start:stop].sum()
    return pd.Series(totals[codes], index=values.index, name=values.name)


def share_over_time(totals: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Percent share of `measure` per (`date`, `company`); each period sums to 100.

    Periods where the whole market is zero get no rows rather than NaN shares;
    periods with no figures at all (a survey calendar's empty periods) keep
    their rows with NaN shares, so charts show a gap there instead of a line across.
    """
    frame = totals[["date", "company", measure]].copy()
    market = period_totals(frame["date"], frame[measure])
    keep = (market > 0) | market.isna()
    frame, market = frame[keep], market[keep]
    frame["share"] = 100.0 * frame[measure] / market
    return frame[["date", "company", "share"]].sort_values(["date", "company"]).reset_index(drop=True)


def share_change(totals: pd.DataFrame, company: str, measure: str, window: int = 12) -> tuple[float, float]:
    """Share of `company` in percent over the first and the last `window` periods.

    Summed over a year rather than read off single months, so a chart title does
    not report a seasonal wiggle as a trend; it matches the Overview's share card.
    """
    wide = totals.pivot_table(index="date", columns="company", values=measure, aggfunc="sum", fill_value=0.0)
    wide = wide.sort_index()
    ours = wide[company] if company in wide.columns else pd.Series(0.0, index=wide.index)
    market = wide.sum(axis=1)

    def share(rows: slice) -> float:
        whole = float(market.iloc[rows].sum())
        return 100.0 * float(ours.iloc[rows].sum()) / whole if whole > 0 else 0.0

    return share(slice(None, window)), share(slice(-window, None))
