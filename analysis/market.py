"""Market size, growth and seasonality: where the market is growing, and are we there.

Growth is always compared over whole years (CAGR between the first and last
full twelve months, year-over-year on a rolling year), so a seasonal peak is
never mistaken for a trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from analysis.calendar import calendar


def yoy_growth(totals: pd.DataFrame, by: str, measure: str, season: int = 12) -> pd.DataFrame:
    """Year-over-year growth in percent of a rolling year, per period and `by` value.

    Rolling twelve-month sums smooth out seasonality; the first year has no
    growth yet and is left out rather than shown as zero.
    """
    wide = totals.pivot_table(index="date", columns=by, values=measure, aggfunc="sum").sort_index()
    rolling = wide.rolling(season, min_periods=season).sum()
    growth = 100.0 * (rolling / rolling.shift(season).where(rolling.shift(season) > 0) - 1.0)
    growth = growth.dropna(how="all")
    return growth.reset_index().melt(id_vars="date", var_name=by, value_name="growth").dropna()


def cagr_table(totals: pd.DataFrame, by: str, measure: str, season: int = 12) -> pd.DataFrame:
    """Size of the first and last year, CAGR and share of the latest year, per `by` value.

    CAGR compares the first and last full years of the slice over the years
    between them; it is NaN when the slice holds less than two years.
    """
    wide = totals.pivot_table(index="date", columns=by, values=measure, aggfunc="sum", fill_value=0.0)
    wide = wide.sort_index()
    first, last = wide.iloc[:season].sum(), wide.iloc[-season:].sum()
    years = (len(wide) - season) / season
    if years > 0:
        cagr = 100.0 * ((last / first.where(first > 0)) ** (1.0 / years) - 1.0)
    else:
        cagr = pd.Series(np.nan, index=wide.columns)
    table = pd.DataFrame(
        {
            by: wide.columns,
            "first_year": first.to_numpy(),
            "last_year": last.to_numpy(),
            "cagr": cagr.to_numpy(dtype=float),
            "share_of_market": (100.0 * last / last.sum() if last.sum() > 0 else last * np.nan).to_numpy(),
        }
    )
    return table.sort_values("last_year", ascending=False).reset_index(drop=True)


def attractiveness(
    by_company: pd.DataFrame, by: str, measure: str, ours: str, season: int = 12
) -> pd.DataFrame:
    """Per `by` value: latest-year size, CAGR and our share, for the size-vs-growth bubble chart.

    `by_company` holds `date`, `by`, `company` and the measure.
    """
    totals = by_company.groupby(["date", by], as_index=False)[measure].sum()
    table = cagr_table(totals, by, measure, season)
    ours_rows = by_company[by_company["company"] == ours]
    recent = sorted(by_company["date"].unique())[-season:]
    mine = ours_rows[ours_rows["date"].isin(recent)].groupby(by)[measure].sum()
    table["our_share"] = (100.0 * table[by].map(mine).fillna(0.0) / table["last_year"].where(table["last_year"] > 0))
    return table


MIN_SEASONS = 3  # full seasons a decomposition needs before its seasonal row means anything


@dataclass(frozen=True)
class Decomposition:
    """Trend, seasonal and remainder of one series; `strength` of seasonality in [0, 1], None when not decomposed."""

    frame: pd.DataFrame  # date, observed (gaps stay empty), trend, seasonal, remainder
    seasonal_strength: float | None
    method: str


def _on_calendar(series: pd.Series) -> pd.Series:
    """Dated periods on their regular calendar, missing periods as empty rows, so they count and space right."""
    if not isinstance(series.index, pd.DatetimeIndex) or not series.index.is_unique:
        return series
    return series.sort_index().reindex(calendar(series.index))


def decompose(series: pd.Series, season: int = 12) -> Decomposition:
    """STL decomposition, so a PM can tell a seasonal dip from a real decline.

    Needs three full seasons of periods, counted on the calendar: with two, each
    month's (or week's) seasonal value rests on two observations and the seasonal
    row soaks up the noise, so pure noise "is" 97-100% seasonal. Periods with no
    figure in between are filled by linear interpolation for the fit (and the
    method says how many) but stay empty in `observed`. Shorter series get the
    observed values as trend, no strength, and the method says why. Seasonal
    strength follows Wang, Smith & Hyndman (2006): 1 - var(remainder) / var(seasonal + remainder).
    """
    raw = _on_calendar(series.astype(float))
    y = raw.interpolate(limit_direction="both")
    frame = pd.DataFrame({"date": y.index, "observed": raw.to_numpy()})
    if season < 2 or len(y) < MIN_SEASONS * season or y.nunique() < 2:
        frame["trend"], frame["seasonal"], frame["remainder"] = y.to_numpy(), 0.0, 0.0
        return Decomposition(frame, None, "no decomposition: fewer than three full seasons of data")
    fit = STL(y.to_numpy(), period=season, robust=True).fit()
    frame["trend"], frame["seasonal"], frame["remainder"] = fit.trend, fit.seasonal, fit.resid
    spread = np.var(fit.seasonal + fit.resid)
    strength = float(max(0.0, 1.0 - np.var(fit.resid) / spread)) if spread > 0 else 0.0
    missing = int(raw.isna().sum())
    filled = f"; {missing} period{'s' * (missing != 1)} without figures filled by linear interpolation" if missing else ""
    return Decomposition(frame, strength, f"STL, robust, season of {season} periods{filled}")


def outlook(totals: pd.DataFrame, by: str, measure: str, *, season: int = 12, level: float = 0.9) -> pd.DataFrame:
    """Where each segment (or region) is heading: the next year forecast against the last one.

    One `forecast` per `by` value over the next `season` periods. The range sums
    the per-period bounds, which treats errors as perfectly correlated: wider
    than the true interval of the sum, so on the cautious side.
    """
    from analysis.forecast import forecast

    rows = []
    for name, part in totals.groupby(by):
        series = part.set_index("date")[measure].sort_index().astype(float)
        last_year = float(series.iloc[-season:].sum())
        fc = forecast(series, season, season_length=season, level=level)
        growth = lambda value: 100.0 * (value / last_year - 1.0) if last_year > 0 else np.nan  # noqa: E731
        rows.append({
            by: name,
            "last_year": last_year,
            "next_year": float(fc.mean.sum()),
            "growth": growth(float(fc.mean.sum())),
            "growth_low": growth(float(fc.lower.sum())),
            "growth_high": growth(float(fc.upper.sum())),
            "model": fc.model,
        })
    return pd.DataFrame(rows).sort_values("growth", ascending=False).reset_index(drop=True)
