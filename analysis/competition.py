"""Competitor comparison: who wins share from whom, how concentrated, at what price.

Every function takes tidy totals from the store (`date`, `company`, measures,
and `segment`/`region` where needed) and returns a tidy frame for one chart.
Shares always sum to 100 per period, whatever companies come and go.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.share import share_over_time

NEW_ENTRANTS = "New entrants"
HHI_UNCONCENTRATED, HHI_HIGHLY_CONCENTRATED = 1500, 2500  # US DOJ/FTC Horizontal Merger Guidelines (2010)

BRIDGE_METHOD = (
    "Share bridge, proportional-flow method: between the two periods every company either gained or lost "
    "share. Gainers are assumed to have won from the losers in proportion to what each loser lost (the "
    "'fair share' assumption of switching analysis, used when no switching data exists). Our bar for a "
    "competitor is what we won from it minus what it won from us; companies with no sales in the first "
    "period are grouped as new entrants. The bars add up to our total share change."
)


def window_shares(totals: pd.DataFrame, measure: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Each company's share in percent of `measure` summed over [start, end]."""
    inside = totals[(totals["date"] >= start) & (totals["date"] <= end)]
    sums = inside.groupby("company")[measure].sum()
    total = sums.sum()
    return (100.0 * sums / total) if total > 0 else sums * 0.0


def share_bridge(before: pd.Series, after: pd.Series, ours: str, *, group_entrants: bool = True) -> pd.DataFrame:
    """Our share change split into what we won from / lost to each competitor.

    `before` and `after` are shares in percent per company (each summing to
    100). Returns `company` and `points` (positive: won from them), plus a row
    per new entrant group (or per entrant, with `group_entrants=False`); the points sum to our total change.
    """
    companies = sorted(set(before.index) | set(after.index))
    b = before.reindex(companies, fill_value=0.0)
    a = after.reindex(companies, fill_value=0.0)
    change = a - b
    gains, losses = change.clip(lower=0.0), (-change).clip(lower=0.0)
    pool = losses.sum()
    if pool <= 0:  # nobody's share moved
        return pd.DataFrame({"company": pd.Series(dtype="str"), "points": pd.Series(dtype="float64")})
    rows = []
    for other in companies:
        if other == ours:
            continue
        won = gains.get(ours, 0.0) * losses[other] / pool  # we drew from it
        lost = gains[other] * losses.get(ours, 0.0) / pool  # it drew from us
        rows.append({"company": other, "points": won - lost, "new": b[other] == 0.0})
    bridge = pd.DataFrame(rows, columns=["company", "points", "new"])
    is_new = bridge["new"].astype(bool) & group_entrants
    entrants, bridge = bridge[is_new], bridge[~is_new]
    if not entrants.empty:
        bridge = pd.concat([bridge, pd.DataFrame([{"company": NEW_ENTRANTS, "points": entrants["points"].sum()}])])
    bridge = bridge[["company", "points"]].sort_values("points", key=np.abs, ascending=False)
    return bridge[bridge["points"].abs() > 1e-9].reset_index(drop=True)


def concentration(totals: pd.DataFrame, measure: str) -> pd.DataFrame:
    """HHI (0–10,000) and CR4 (percent) per period.

    "Others" is one company here, which overstates concentration a little when
    it hides many small firms; the page says so.
    """
    shares = share_over_time(totals, measure)
    grid = shares.pivot_table(index="date", columns="company", values="share", aggfunc="sum", fill_value=0.0)
    values = grid.to_numpy(dtype=float)
    top4 = -np.sort(-values, axis=1)[:, :4]  # one sort per period, all periods at once
    return pd.DataFrame({"date": grid.index, "hhi": (values**2).sum(axis=1), "cr4": top4.sum(axis=1)})


def price_positioning(totals: pd.DataFrame, season: int = 12) -> pd.DataFrame:
    """Per company over the latest year: price index (market average = 100), unit share, revenue.

    Needs units and revenue; companies with no units in the year are left out.
    """
    recent = sorted(totals["date"].unique())[-season:]
    year = totals[totals["date"].isin(recent)].groupby("company")[["units", "revenue"]].sum()
    year = year[year["units"] > 0]
    market_price = year["revenue"].sum() / year["units"].sum()
    table = pd.DataFrame(
        {
            "company": year.index,
            "price_index": (100.0 * year["revenue"] / year["units"] / market_price).to_numpy(),
            "unit_share": (100.0 * year["units"] / year["units"].sum()).to_numpy(),
            "revenue": year["revenue"].to_numpy(),
        }
    )
    return table.sort_values("revenue", ascending=False).reset_index(drop=True)


def price_volume(totals: pd.DataFrame, companies: list[str]) -> pd.DataFrame:
    """Average price and units per period for the chosen companies (price-volume view)."""
    rows = totals[totals["company"].isin(companies)].copy()
    rows["price"] = rows["revenue"] / rows["units"].where(rows["units"] > 0)
    return rows[["date", "company", "price", "units"]].sort_values(["company", "date"]).reset_index(drop=True)


def growth_share_matrix(by_segment_company: pd.DataFrame, measure: str, ours: str, season: int = 12) -> pd.DataFrame:
    """Per segment: our relative market share (ours / largest competitor's) and the segment's growth.

    Relative share above 1 means we lead the segment (BCG's "star" and "cash
    cow" side); growth is the latest year against the year before.
    """
    frame = by_segment_company
    dates = sorted(frame["date"].unique())
    last, previous = dates[-season:], dates[-2 * season : -season]
    rows = []
    for segment, part in frame.groupby("segment"):
        latest = part[part["date"].isin(last)].groupby("company")[measure].sum()
        before = part[part["date"].isin(previous)][measure].sum()
        rivals = latest.drop(index=[ours], errors="ignore")
        leader = rivals.max() if not rivals.empty else 0.0
        mine = latest.get(ours, 0.0)
        rows.append({
            "segment": segment,
            "relative_share": mine / leader if leader > 0 else np.nan,
            "growth": 100.0 * (latest.sum() / before - 1.0) if before > 0 else np.nan,
            "size": latest.sum(),
            "our_share": 100.0 * mine / latest.sum() if latest.sum() > 0 else 0.0,
        })
    return pd.DataFrame(rows)


def head_to_head(totals: pd.DataFrame, ours: str, rival: str, season: int = 12) -> pd.DataFrame:
    """Us against one competitor per segment and region, biggest revenue gap first.

    `totals` holds `date`, `segment`, `region`, `company`, `units`, `revenue`.
    Figures are over the latest year; growth is against the year before.
    """
    dates = sorted(totals["date"].unique())
    last, previous = set(dates[-season:]), set(dates[-2 * season : -season])
    keys = ["segment", "region"]
    now = totals[totals["date"].isin(last)]
    before = totals[totals["date"].isin(previous)]
    market = now.groupby(keys)[["units", "revenue"]].sum()

    def side(company: str, prefix: str) -> pd.DataFrame:
        mine = now[now["company"] == company].groupby(keys)[["units", "revenue"]].sum().reindex(market.index, fill_value=0.0)
        earlier = before[before["company"] == company].groupby(keys)["revenue"].sum().reindex(market.index)
        return pd.DataFrame({
            f"{prefix}_revenue": mine["revenue"],
            f"{prefix}_units": mine["units"],
            f"{prefix}_price": mine["revenue"] / mine["units"].where(mine["units"] > 0),
            f"{prefix}_share": 100.0 * mine["revenue"] / market["revenue"].where(market["revenue"] > 0),
            f"{prefix}_growth": 100.0 * (mine["revenue"] / earlier.where(earlier > 0) - 1.0),
        })

    table = pd.concat([side(ours, "our"), side(rival, "their")], axis=1)
    table["revenue_gap"] = table["our_revenue"] - table["their_revenue"]
    table["share_gap"] = table["our_share"] - table["their_share"]
    table = table.reset_index()
    return table.sort_values("revenue_gap", key=np.abs, ascending=False).reset_index(drop=True)


def capability_matrix(capabilities: pd.DataFrame, companies: list[str], ours: str) -> pd.DataFrame:
    """Scores per feature (rows) and company (columns), ours first; features where we trail most on top."""
    scores = capabilities[capabilities["company"].isin(companies)]
    matrix = scores.pivot_table(index="feature", columns="company", values="score", aggfunc="mean")
    order = [c for c in [ours, *companies] if c in matrix.columns]
    matrix = matrix[list(dict.fromkeys(order))]
    if ours in matrix.columns and matrix.shape[1] > 1:
        gap = matrix.drop(columns=ours).max(axis=1) - matrix[ours]
        matrix = matrix.loc[gap.sort_values(ascending=False).index]
    return matrix


def price_tiers(capabilities: pd.DataFrame) -> dict[str, str]:
    """Each company's price tier, when the capabilities table has one."""
    if "price_tier" not in capabilities:
        return {}
    tiers = capabilities.dropna(subset=["price_tier"]).groupby("company")["price_tier"].first()
    return {str(k): str(v) for k, v in tiers.items()}
