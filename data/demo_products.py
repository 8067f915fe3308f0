"""The demo's products: each company's rows split into the named products it sells.

Why: a product manager runs a product, not a company, so the demo needs
products with a story a Products page can tell. Each company sells 2–4 named
products across segments; two launches happen inside the history:

- Northwind Flow (ours) launches in SMB in January 2023, about three years
  before the data ends, and takes over from Northwind Go, which declines.
- Apex Orbit launches in Mid-Market in March 2021 (the Apex launch in
  `generate_demo.STORY`) and takes share from Northwind Atlas.

Only we know our costs: Northwind's rows carry a `cost` (cost of sales, the
product's share of revenue in `COST_RATIO`), so the Products page shows
margins for our products and none for rivals'.

A split never changes a company's totals: in each row the last product gets
the units and revenue the others leave, so every company-level figure of the
demo is what it was before products existed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Company -> segment -> the product that sells there before any launch.
PRODUCTS: dict[str, dict[str, str]] = {
    "Northwind": {"Enterprise": "Northwind Atlas", "Mid-Market": "Northwind Atlas", "SMB": "Northwind Go",
                  "Consumer": "Northwind Go"},
    "Apex": {"Enterprise": "Apex Core", "Mid-Market": "Apex Core", "SMB": "Apex Core", "Consumer": "Apex Home"},
    "Brightline": {"Enterprise": "Brightline Suite", "Mid-Market": "Brightline Suite", "SMB": "Brightline Lite",
                   "Consumer": "Brightline Lite"},
    "Corvid": {"Enterprise": "Corvid One", "Mid-Market": "Corvid One", "SMB": "Corvid Flex", "Consumer": "Corvid Flex"},
    "Dynamo": {"Enterprise": "Dynamo Max", "Mid-Market": "Dynamo Max", "SMB": "Dynamo Max", "Consumer": "Dynamo Play"},
    "Fluxion": {"Enterprise": "Fluxion Teams", "Mid-Market": "Fluxion Teams", "SMB": "Fluxion App",
                "Consumer": "Fluxion App"},
    "Others": {"Enterprise": "Others", "Mid-Market": "Others", "SMB": "Others", "Consumer": "Others"},
}


# Our products' cost of sales as a share of their revenue: the old SMB product costs more to serve.
COST_RATIO = {"Northwind Atlas": 0.34, "Northwind Go": 0.58, "Northwind Flow": 0.30}


def _bass_share(years: np.ndarray, p: float, q: float, ceiling: float) -> np.ndarray:
    """The cumulative Bass adoption curve F(t) (Bass 1969), scaled to `ceiling`: the part of the
    segment's sales the new product has taken `years` after its launch (0 before)."""
    t = np.clip(years, 0.0, None)
    decay = np.exp(-(p + q) * t)
    return np.where(years > 0, ceiling * (1 - decay) / (1 + q / p * decay), 0.0)


# (company, segment, new product, launch month, Bass p, Bass q, ceiling): the launches inside the history.
LAUNCHES = (
    ("Northwind", "SMB", "Northwind Flow", "2023-01-01", 0.05, 0.9, 0.9),
    ("Apex", "Mid-Market", "Apex Orbit", "2021-03-01", 0.35, 1.6, 0.6),
)


def with_products(market: pd.DataFrame) -> pd.DataFrame:
    """The company-level market table with a `product` column, launched products as extra rows."""
    market = market.copy()
    market["product"] = [PRODUCTS[c][s] for c, s in zip(market["company"], market["segment"])]
    market["_row"], market["_k"] = np.arange(len(market)), 0  # launched products follow the row they split from
    launched = []
    for k, (company, segment, name, start, p, q, ceiling) in enumerate(LAUNCHES, start=1):
        rows = (market["company"] == company) & (market["segment"] == segment)
        # the launch month is the first month of sales: half a month of adoption already
        years = ((market.loc[rows, "date"] - pd.Timestamp(start)).dt.days / 365.25).to_numpy() + 1 / 24
        share = _bass_share(years, p, q, ceiling)
        units = np.round(market.loc[rows, "units"].to_numpy() * share)
        revenue = np.round(units * market.loc[rows, "price"].to_numpy(), 2)
        new = market.loc[rows].assign(product=name, units=units, revenue=revenue, _k=k)
        market.loc[rows, "units"] -= units  # the old product keeps the rest: company totals do not move
        market.loc[rows, "revenue"] = np.round(market.loc[rows, "revenue"] - revenue, 2)
        launched.append(new[units > 0])
    market = pd.concat([market, *launched], ignore_index=True)
    market = market[market["units"] > 0].sort_values(["_row", "_k"], kind="mergesort")
    market["price"] = np.round(market["revenue"] / market["units"], 2)
    market["cost"] = np.round(market["revenue"] * market["product"].map(COST_RATIO), 2)  # NaN: not ours
    columns = ["date", "segment", "region", "company", "product", "units", "revenue", "price", "cost"]
    return market[columns].reset_index(drop=True)
