"""Share forecasts stay coherent: non-negative and summing to 100 in every future period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.share_forecast import share_forecast
from data.dataset import load_demo


def test_demo_share_forecast_sums_to_100_with_the_entrant():
    market = load_demo().tables["market"]
    totals = market.groupby(["date", "company"], as_index=False)[["units", "revenue"]].sum()
    future = share_forecast(totals, "units", 12)
    sums = future.groupby("date")["share"].sum()
    assert len(sums) == 12 and np.allclose(sums, 100.0, atol=1e-9)
    assert (future[["share", "lower", "upper"]] >= 0).all().all()
    assert (future["lower"] <= future["share"] + 1e-9).all() and (future["share"] <= future["upper"] + 1e-9).all()
    assert set(future["company"]) == set(totals["company"])  # Fluxion, absent before 2019, is forecast too
    assert future["date"].min() == pd.Timestamp("2026-01-01")


def test_a_company_that_left_is_forecast_at_zero_and_shares_still_sum_to_100():
    dates = pd.date_range("2020-01-01", periods=36, freq="MS")
    rows = [(d, "Stayer", 100.0 + i) for i, d in enumerate(dates)]
    rows += [(d, "Other", 50.0) for d in dates]
    rows += [(d, "Leaver", 30.0 if i < 20 else 0.0) for i, d in enumerate(dates)]
    totals = pd.DataFrame(rows, columns=["date", "company", "revenue"])
    future = share_forecast(totals, "revenue", 6)
    assert np.allclose(future.groupby("date")["share"].sum(), 100.0)
    assert future[future["company"] == "Leaver"]["share"].max() < 1.0
