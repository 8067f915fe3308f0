"""Market share per company and period, the basis of "are we winning?".

Shares are computed on whatever companies a period has, so entrants appear
from their first month and leavers drop out without gaps or division by zero.
"""

from __future__ import annotations

import pandas as pd


def share_over_time(totals: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Percent share of `measure` per (`date`, `company`); each period sums to 100.

    Periods where the whole market is zero get no rows rather than NaN shares;
    periods with no figures at all (a survey calendar's empty periods) keep
    their rows with NaN shares, so charts show a gap there instead of a line across.
    """
    frame = totals[["date", "company", measure]].copy()
    market = frame.groupby("date")[measure].transform(lambda s: s.sum(min_count=1))
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
