"""Shares: every period sums to 100, entrants and empty periods handled."""

from __future__ import annotations

import numpy as np
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


def test_period_totals_are_the_per_period_sums_bit_for_bit():
    """The vectorised totals equal pandas' per-group `sum(min_count=1)` exactly: shares on screen do not move."""
    from analysis.share import period_totals

    rng = np.random.default_rng(7)
    for trial in range(300):
        periods, companies = rng.integers(1, 30), rng.integers(1, 40)
        rows = rng.integers(1, periods * companies + 1)
        dates = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, periods, rows) * 31, unit="D"))
        values = rng.lognormal(10, 3, rows) * rng.choice([1, -1, 0], rows, p=[0.9, 0.05, 0.05])
        values[rng.random(rows) < rng.choice([0, 0.3, 0.9])] = np.nan
        series = pd.Series(values, index=rng.permutation(rows) + 3, name="units")
        dates.index = series.index
        expected = series.groupby(dates).transform(lambda s: s.sum(min_count=1))
        pd.testing.assert_series_equal(period_totals(dates, series), expected, check_exact=True)
