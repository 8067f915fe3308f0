"""What a dataset covers, and where it has holes.

Before trusting a chart built on an uploaded file, a PM wants to know how many
periods, companies, segments and regions it holds and which cells are empty:
a competitor missing for six months reads as a share collapse otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.calendar import calendar

MEASURES = ("units", "revenue", "share")


@dataclass(frozen=True)
class Coverage:
    periods: int  # periods with at least one row
    first: pd.Timestamp
    last: pd.Timestamp
    companies: int
    segments: int
    regions: int
    rows: int
    missing_cells: int  # company × segment × region × period cells with no figure
    expected_cells: int
    missing_periods: int = 0  # periods on the calendar between the first and the last with no row at all

    @property
    def missing_percent(self) -> float:
        return 100.0 * self.missing_cells / self.expected_cells if self.expected_cells else 0.0


def coverage(market: pd.DataFrame) -> Coverage:
    """Counts over a market table; a cell is missing when no measure has a figure."""
    filled = _filled(market)
    dims = [market[c].nunique() for c in ("date", "company", "segment", "region")]
    periods = len(calendar(market["date"]))  # a week with no row at all is missing too
    expected = int(pd.Series([periods, *dims[1:]]).prod())
    keys = [market[c] for c in ("date", "company", "segment", "region")]
    present = filled.groupby(keys).any().sum()
    return Coverage(
        periods=dims[0], first=market["date"].min(), last=market["date"].max(), companies=dims[1],
        segments=dims[2], regions=dims[3], rows=len(market),
        missing_cells=expected - int(present), expected_cells=expected, missing_periods=periods - dims[0],
    )


def missing_by_company(market: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Percent of each company's segment × region cells with no figure, per period of the calendar.

    Rows are companies, columns are periods: the heatmap on the Data page. With
    `limit`, only the companies with the most rows: a file of a million companies
    must not become a million-row chart (companies_beyond says how many are left out).
    """
    if limit is not None:
        market = market[market["company"].isin(_largest_companies(market, limit))]
    filled = _filled(market).to_frame("filled")
    for column in ("date", "company", "segment", "region"):
        filled[column] = market[column].to_numpy()
    present = filled.groupby(["company", "date"])["filled"].sum()
    cells = market["segment"].nunique() * market["region"].nunique()
    grid = present.unstack("date").reindex(columns=calendar(market["date"])).fillna(0)
    return (100.0 * (1 - grid / cells)).clip(lower=0).sort_index()


def companies_beyond(market: pd.DataFrame, limit: int) -> int:
    """How many companies `missing_by_company(market, limit)` leaves out."""
    return max(int(market["company"].nunique()) - limit, 0)


def _largest_companies(market: pd.DataFrame, limit: int) -> list:
    counts = market["company"].value_counts()
    ranked = counts.rename("rows").reset_index().sort_values(["rows", "company"], ascending=[False, True])
    return ranked["company"].head(limit).tolist()


def _filled(market: pd.DataFrame) -> pd.Series:
    measures = [m for m in MEASURES if m in market.columns]
    return market[measures].notna().any(axis=1)
