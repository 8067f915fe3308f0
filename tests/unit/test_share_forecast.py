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


def test_empty_periods_of_a_calendar_are_gaps_not_years_where_nobody_sold():
    import numpy as np
    import pandas as pd

    from analysis.share_forecast import share_forecast

    years = pd.date_range("2001-01-01", periods=10, freq="YS")
    rows = [{"date": d, "company": c, "share": v} for i, d in enumerate(years)
            for c, v in (("A", 60.0 - i), ("B", 40.0 + i))]
    observed = pd.DataFrame(rows)
    gaps = pd.DataFrame([{"date": pd.Timestamp(f"{y}-01-01"), "company": c, "share": np.nan}
                         for y in (2011, 2012) for c in ("A", "B")])
    with_gaps = pd.concat([observed[observed["date"] < "2011-01-01"], gaps]).sort_values("date")
    clean = share_forecast(observed, "share", 1, season_length=1)
    gapped = share_forecast(with_gaps, "share", 1, season_length=1)
    assert gapped["share"].round(6).tolist() == clean["share"].round(6).tolist()
    assert (gapped["upper"] - gapped["lower"]).max() < 5  # zeros for the empty years would blow the band up


def test_too_short_counts_only_periods_with_figures():
    from analysis.share_forecast import MIN_PERIODS, too_short

    dates = pd.date_range("2024-01-01", periods=MIN_PERIODS, freq="MS")
    totals = pd.DataFrame({"date": dates.repeat(2), "company": ["A", "B"] * MIN_PERIODS, "share": 50.0})
    assert too_short(totals, "share") is None
    totals.loc[totals["date"] == dates[2], "share"] = float("nan")  # a survey gap: no figure that month
    assert too_short(totals, "share") == (f"The share forecast needs at least {MIN_PERIODS} periods with figures; "
                                          f"this slice has {MIN_PERIODS - 1}.")
