"""Share forecasts that stay coherent: never negative, always summing to 100%.

Forecasting each company's share on its own gives numbers that add up to 97% or
104%. Instead each company's volume (units, revenue, or the share itself when a
tracker gives nothing else) is forecast with the common engine, floored at
zero, and the forecasts are divided by their sum, which is the market total
the companies imply. Entrants with a short history and leavers that went to
zero are handled by the same rule.
"""

from __future__ import annotations

import pandas as pd

from analysis.forecast import forecast

METHOD = (
    "Each company's {measure} is forecast on its own (the engine's automatic choice), then each future period "
    "is divided by the sum over companies, so shares are never negative and add up to exactly 100%. A "
    "company's band is its own {level:.0%} interval with the other companies held at their forecasts."
)

MIN_PERIODS = 6  # fewer periods with figures: no share forecast on any page (a trend from five points is a guess)


def too_short(totals: pd.DataFrame, measure: str) -> str | None:
    """Why the share forecast is not shown, in plain words; None when the slice has enough periods.

    One rule for the Briefing and Competitors, so one page never forecasts what the other refuses.
    """
    periods = int((totals.groupby("date")[measure].count() > 0).sum())
    if periods >= MIN_PERIODS:
        return None
    return f"The share forecast needs at least {MIN_PERIODS} periods with figures; this slice has {periods}."


def share_forecast(totals: pd.DataFrame, measure: str, horizon: int, *, season_length: int = 12,
                   level: float = 0.9) -> pd.DataFrame:
    """`date`, `company`, `share`, `lower`, `upper` (percent) for the next `horizon` periods.

    Periods with no figure at all (the empty periods of a survey placed on a
    calendar) are left out, not read as a market where nobody sold anything.
    """
    observed = totals.groupby("date")[measure].count()
    totals = totals[totals["date"].isin(observed[observed > 0].index)]
    wide = totals.pivot_table(index="date", columns="company", values=measure, aggfunc="sum").sort_index()
    wide = wide.fillna(0.0).clip(lower=0.0)  # absent before entry or after exit: no sales
    means, lows, highs = {}, {}, {}
    for company in wide.columns:
        fc = forecast(wide[company], horizon, season_length=season_length, level=level)
        means[company] = fc.mean.clip(lower=0.0)
        lows[company], highs[company] = fc.lower.clip(lower=0.0), fc.upper.clip(lower=0.0)
    mean = pd.DataFrame(means)
    total = mean.sum(axis=1)
    rows = []
    for company in mean.columns:
        others = total - mean[company]
        share = 100.0 * mean[company] / total.where(total > 0)
        lower = 100.0 * lows[company] / (lows[company] + others).where(lows[company] + others > 0)
        upper = 100.0 * highs[company] / (highs[company] + others).where(highs[company] + others > 0)
        rows.append(pd.DataFrame({"date": mean.index, "company": company, "share": share.fillna(0.0).to_numpy(),
                                  "lower": lower.fillna(0.0).to_numpy(), "upper": upper.fillna(0.0).to_numpy()}))
    return pd.concat(rows, ignore_index=True).sort_values(["date", "company"]).reset_index(drop=True)
