"""Shares: every period sums to 100, entrants and empty periods handled."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.share import share_change, share_over_time
from data.dataset import load_demo


@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from("ABCD"), st.floats(0, 1e9)), min_size=1))
def test_every_period_sums_to_100_or_is_left_out(rows):
    totals = pd.DataFrame(rows, columns=["month", "company", "revenue"])
    totals["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(totals["month"] * 31, unit="D")
    totals = totals.groupby(["date", "company"], as_index=False)["revenue"].sum()
    shares = share_over_time(totals, "revenue")
    sums = shares.groupby("date")["share"].sum()
    assert ((sums - 100).abs() < 1e-9).all()
    markets = totals.groupby("date")["revenue"].sum()
    assert set(sums.index) == set(markets[markets > 0].index)
    assert (shares["share"] >= 0).all()


def test_entrant_appears_from_its_first_month_on_the_demo_data():
    market = load_demo().tables["market"]
    totals = market.groupby(["date", "company"], as_index=False)[["units", "revenue"]].sum()
    shares = share_over_time(totals, "units")
    fluxion = shares[shares["company"] == "Fluxion"]
    assert fluxion["date"].min() == pd.Timestamp("2019-01-01")
    first, last = share_change(totals, "Fluxion", "units")
    assert first < 1 < 5 < last


def test_share_change_sums_a_year_by_hand():
    dates = pd.date_range("2020-01-01", periods=24, freq="MS")
    us = pd.DataFrame({"date": dates, "company": "Us", "units": [10.0] * 12 + [30.0] * 12})
    them = pd.DataFrame({"date": dates, "company": "Them", "units": [90.0] * 24})
    totals = pd.concat([us, them])
    assert share_change(totals, "Us", "units") == pytest.approx((10.0, 25.0))
    assert share_change(totals, "Nobody", "units") == (0.0, 0.0)
