"""Cached access to the active dataset and its DuckDB store.

The store is a shared resource (one per dataset content); aggregates are cached
data keyed on the dataset's content hash and the slice, so every session asking
for the same view gets the same result without querying again. `shared` in front of
each cache makes sessions asking for the same slice at the same moment compute it once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from analysis.changes import changes
from analysis.findings import Finding
from dashboard.filters import period_labels
from dashboard.single_flight import shared
from data.dataset import Dataset, load_demo
from data.periods import infer_periodicity
from data.store import MarketFilter, Store

if TYPE_CHECKING:  # statsmodels (a second at import) loads with the Scenarios page, not on every first page
    from analysis.elasticity import Estimate

CACHE_TTL = "1h"


@st.cache_resource(max_entries=1, show_spinner="Loading the demo dataset…")
def demo_dataset() -> Dataset:
    return load_demo()


@st.cache_resource(max_entries=16)
def _store(content_hash: str, _dataset: Dataset) -> Store:
    if _dataset.live:  # a live SQL dataset: the warehouse answers (data/live_sql.py); the key has its refresh stamp
        from data.live_sql import LiveSpec, LiveStore

        return LiveStore(LiveSpec.from_json(_dataset.live))  # type: ignore[return-value]  (same query methods)
    store = Store.from_frames(_dataset.tables)
    for table, path in _dataset.files.items():
        store.attach_parquet(table, path)  # the workspace's Parquet, read in place
    return store


def store_for(dataset: Dataset) -> Store:
    return _store(dataset.content_hash, dataset)


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=512, show_spinner=False)
def market_totals(_store: Store, content_hash: str, where: MarketFilter, by: tuple[str, ...]) -> pd.DataFrame:
    """`Store.market_totals`, cached per (dataset, slice, grouping)."""
    return _store.market_totals(where, by)


def given_launches(store: Store, content_hash: str, where: MarketFilter) -> dict[str, pd.Timestamp]:
    """Product -> the launch date the market table gives (its `launch_date` column); empty without one."""
    from analysis.lifecycle import launch_dates

    if "launch_date" not in store.columns("market"):
        return {}
    return launch_dates(market_totals(store, content_hash, where, ("product", "launch_date")))


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=256, show_spinner=False)
def slice_findings(_store: Store, content_hash: str, where: MarketFilter, ours: str, season: int,
                   rest: tuple[str, ...] | None = None) -> list[Finding]:
    """The Briefing's findings for a slice, cached: they take a third of the page's time and
    do not depend on the measure shown, so toggling it or coming back costs nothing."""
    detail = market_totals(_store, content_hash, where, ("date", "segment", "region", "company"))
    return changes(detail, ours, season, rest=rest)


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def filter_options(_store: Store, content_hash: str) -> dict[str, list[str]]:
    """Everything the sidebar can offer: companies, segments, regions and months."""
    return {
        "company": _store.distinct("market", "company"),
        "segment": _store.distinct("market", "segment"),
        "region": _store.distinct("market", "region"),
        "period": period_labels(_store.periods("market")),
        "measure": _store.measures(),
        "periodicity": [infer_periodicity(pd.Series(_store.periods("market"))).period or "monthly"],
        "products": (products_by_company(_store.market_totals(MarketFilter(), ("company", "product")))
                     if "product" in _store.columns("market") else {}),
    }


def products_by_company(totals: pd.DataFrame) -> dict[str, list[str]]:
    """Each company's products, biggest first (by revenue, else units, else share); {} without products."""
    totals = totals.dropna(subset=["product"])
    if totals.empty:
        return {}
    size = next((m for m in ("revenue", "units", "share") if totals[m].notna().any()), "share")
    ordered = totals.sort_values([size, "product"], ascending=[False, True])
    return {str(c): [str(p) for p in rows["product"]] for c, rows in ordered.groupby("company", sort=True)}


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=16, show_spinner=False)
def market_cells(_store: Store, content_hash: str) -> pd.DataFrame:
    """One row per date × company × segment × region with its summed measures: what coverage counts.

    Asked of DuckDB, so a saved 10-million-row dataset never becomes a pandas copy to count its holes.
    """
    return _store.market_totals(MarketFilter(), ("date", "company", "segment", "region"))


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def measures_of(_store: Store, content_hash: str) -> list[str]:
    """The measures the market table has: asked on every rerun, so not worth a query each time."""
    return _store.measures()


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def largest_rival(_store: Store, content_hash: str, ours: str | None, candidates: list[str]) -> str:
    """The biggest company by revenue (or units, or share) over all data, other than `ours`."""
    measure = next(m for m in ("revenue", "units", "share") if m in _store.measures())
    sizes = _store.market_totals(MarketFilter(), ["company"]).set_index("company")[measure]
    sizes = sizes[sizes.index.isin([c for c in candidates if c != ours])]
    return str(sizes.idxmax()) if not sizes.empty else candidates[0]


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=64, show_spinner=False)
def demand_history(_store: Store, content_hash: str, where: MarketFilter, ours: str) -> pd.DataFrame:
    """Per period: our units and price, the competitors' average price, and our marketing spend.

    The inputs of the elasticity model for the chosen slice; marketing comes from
    the drivers table (summed over the slice's regions) when it has that series.
    """
    totals = _store.market_totals(where, ["date", "company"])
    mine = totals[totals["company"] == ours].set_index("date")
    rest = totals[totals["company"] != ours].groupby("date")[["units", "revenue"]].sum()
    history = pd.DataFrame({
        "units": mine["units"],
        "price": mine["revenue"] / mine["units"].where(mine["units"] > 0),
        "competitor_price": rest["revenue"] / rest["units"].where(rest["units"] > 0),
    })
    if "drivers" in _store.tables:
        drivers = _store.table("drivers")
        spend = drivers[drivers["variable"] == "marketing_spend"]
        if where.regions:
            spend = spend[spend["region"].isin(where.regions)]
        if not spend.empty:
            history["marketing"] = spend.groupby("date")["value"].sum()
    return history.reset_index().rename(columns={"index": "date"}).dropna(subset=["units"])


@shared
@st.cache_data(ttl=CACHE_TTL, max_entries=16, show_spinner=False)
def pooled_elasticity(_store: Store, content_hash: str) -> Estimate | None:
    """One price elasticity over the whole market (every company, segment and region): the fallback for a
    slice whose own estimate cannot be used. None without units and revenue, or with too little history."""
    from analysis.elasticity_choice import pooled_price_elasticity

    if not {"units", "revenue"} <= set(_store.measures()):
        return None
    panel = _store.market_totals(MarketFilter(), ("date", "segment", "region", "company"))
    panel["group"] = panel["company"].astype(str) + " · " + panel["segment"].astype(str) + " · " + panel["region"].astype(str)
    return pooled_price_elasticity(panel)
