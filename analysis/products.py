"""Our product against the rival products in its segment: shares, prices and who took share from it.

The company-level tools of `competition` and `share` work on a `company`
column; here the product takes that place, so the same share bridge and price
index work at product level. Small products are grouped so a segment with many
of them stays readable.
"""

from __future__ import annotations

import pandas as pd

from analysis.competition import price_positioning, share_bridge, window_shares

OTHER_PRODUCTS = "Other products"


def main_segment(market: pd.DataFrame, product: str, measure: str) -> str | None:
    """The segment where `product` sells most."""
    mine = market[market["product"] == product]
    if mine.empty:
        return None
    return str(mine.groupby("segment")[measure].sum().idxmax())


def segment_products(market: pd.DataFrame, segment: str, measure: str, keep: str, top: int = 7) -> pd.DataFrame:
    """`date`, `company` (the product), the measure: the segment's products, the `top` biggest and `keep`
    by name, the rest as "Other products"."""
    inside = market[(market["segment"] == segment) & market["product"].notna()]
    sizes = inside.groupby("product")[measure].sum().sort_values(ascending=False)
    named = set(sizes.index[:top]) | {keep}
    label = inside["product"].where(inside["product"].isin(named), OTHER_PRODUCTS)
    columns = [c for c in ("units", "revenue", "share") if c in inside]
    return (inside.assign(company=label).groupby(["date", "company"], as_index=False)[columns].sum()
            .sort_values(["date", "company"]).reset_index(drop=True))


def product_bridge(totals: pd.DataFrame, measure: str, product: str, season: int = 12) -> tuple[pd.DataFrame, float, float]:
    """Who took share from `product` (or gave it): the share bridge from the first `season` periods of
    `totals` to the last; returns the bridge and the product's share before and after."""
    dates = sorted(totals["date"].unique())
    window = min(season, max(1, len(dates) // 2))
    before = window_shares(totals, measure, dates[0], dates[window - 1])
    after = window_shares(totals, measure, dates[-window], dates[-1])
    bridge = share_bridge(before, after, product, group_entrants=False)  # a launch is named, not "new entrants"
    return bridge, float(before.get(product, 0.0)), float(after.get(product, 0.0))


def price_position(totals: pd.DataFrame, season: int = 12) -> pd.DataFrame:
    """Each product's price index (segment average = 100), unit share and revenue over the last `season`."""
    return price_positioning(totals, season).rename(columns={"company": "product"})
