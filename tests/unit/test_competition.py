"""Competitor views: bridges add up, HHI stays in range, head-to-head matches the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.competition import (
    NEW_ENTRANTS,
    concentration,
    growth_share_matrix,
    head_to_head,
    price_positioning,
    share_bridge,
    window_shares,
)
from data.dataset import load_demo


@pytest.fixture(scope="module")
def market():
    return load_demo().tables["market"]


def test_bridge_by_hand():
    before = pd.Series({"Us": 30.0, "A": 40.0, "B": 30.0})
    after = pd.Series({"Us": 35.0, "A": 32.0, "B": 28.0, "New": 5.0})
    bridge = share_bridge(before, after, "Us").set_index("company")["points"]
    # A lost 8 and B lost 2 (pool 10); we gained 5, so we drew 4 from A and 1 from B.
    assert bridge["A"] == pytest.approx(4.0) and bridge["B"] == pytest.approx(1.0)
    assert NEW_ENTRANTS not in bridge  # the entrant drew from A and B, not from us: no bar
    lost = share_bridge(pd.Series({"Us": 50.0, "A": 50.0}), pd.Series({"Us": 40.0, "A": 50.0, "New": 10.0}), "Us")
    assert lost.set_index("company")["points"].to_dict() == pytest.approx({NEW_ENTRANTS: -10.0})


@settings(max_examples=60)
@given(st.lists(st.floats(0, 100), min_size=3, max_size=7), st.lists(st.floats(0, 100), min_size=3, max_size=7))
def test_bridge_parts_sum_to_the_total_change(a, b):
    names = [f"C{i}" for i in range(max(len(a), len(b)))]
    before = pd.Series(a, index=names[: len(a)])
    after = pd.Series(b, index=names[: len(b)])
    if before.sum() == 0 or after.sum() == 0:
        return
    before, after = 100 * before / before.sum(), 100 * after / after.sum()
    bridge = share_bridge(before, after, "C0")
    assert bridge["points"].sum() == pytest.approx(after.get("C0", 0) - before.get("C0", 0), abs=1e-9)


def test_hhi_and_cr4_on_the_demo(market):
    totals = market.groupby(["date", "company"], as_index=False)[["units", "revenue"]].sum()
    conc = concentration(totals, "revenue")
    assert conc["hhi"].between(0, 10_000).all() and conc["cr4"].between(0, 100).all()
    two = pd.DataFrame({"date": pd.Timestamp("2024-01-01"), "company": ["A", "B"], "revenue": [50.0, 50.0]})
    assert concentration(two, "revenue")["hhi"].iloc[0] == pytest.approx(5000.0)


def test_apex_launch_shows_in_the_bridge_and_head_to_head(market):
    mid = market[market["segment"] == "Mid-Market"]
    totals = mid.groupby(["date", "company"], as_index=False)[["units", "revenue"]].sum()
    before = window_shares(totals, "units", pd.Timestamp("2020-03-01"), pd.Timestamp("2021-02-01"))
    after = window_shares(totals, "units", pd.Timestamp("2022-03-01"), pd.Timestamp("2023-02-01"))
    bridge = share_bridge(before, after, "Northwind").set_index("company")["points"]
    assert bridge.sum() == pytest.approx(after["Northwind"] - before["Northwind"])
    assert bridge.idxmin() == "Apex" and bridge["Apex"] < -3  # we lost most to Apex


def test_head_to_head_agrees_with_the_market_table(market):
    table = head_to_head(market, "Northwind", "Apex")
    last_year = market[market["date"] >= sorted(market["date"].unique())[-12]]
    ours = last_year[last_year["company"] == "Northwind"]["revenue"].sum()
    theirs = last_year[last_year["company"] == "Apex"]["revenue"].sum()
    assert table["our_revenue"].sum() == pytest.approx(ours)
    assert table["their_revenue"].sum() == pytest.approx(theirs)
    assert table["revenue_gap"].abs().is_monotonic_decreasing
    assert len(table) == market["segment"].nunique() * market["region"].nunique()


def test_price_positioning_index_is_revenue_weighted_around_100(market):
    totals = market.groupby(["date", "company"], as_index=False)[["units", "revenue"]].sum()
    table = price_positioning(totals)
    weighted = (table["price_index"] * table["unit_share"]).sum() / 100
    assert weighted == pytest.approx(100.0)
    assert table["unit_share"].sum() == pytest.approx(100.0)


def test_growth_share_matrix_relative_share(market):
    table = growth_share_matrix(market, "revenue", "Northwind")
    assert set(table["segment"]) == set(market["segment"])
    assert (table["relative_share"] > 0).all() and np.isfinite(table["growth"]).all()


def test_capability_matrix_puts_our_biggest_gaps_first():
    from analysis.competition import capability_matrix

    caps = pd.DataFrame({"company": ["Us", "Us", "Them", "Them"], "feature": ["SSO", "API", "SSO", "API"],
                         "score": [4.0, 1.0, 3.0, 5.0]})
    matrix = capability_matrix(caps, ["Them", "Us"], "Us")
    assert list(matrix.columns) == ["Us", "Them"] and list(matrix.index) == ["API", "SSO"]
