"""Market growth, CAGR, attractiveness and seasonality on series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.market import attractiveness, cagr_table, decompose, yoy_growth

DATES = pd.date_range("2020-01-01", periods=36, freq="MS")


def segments(growth: dict[str, float]) -> pd.DataFrame:
    """Monthly totals per segment growing by exactly `growth` percent a year."""
    rows = []
    for segment, rate in growth.items():
        for i, date in enumerate(DATES):
            rows.append({"date": date, "segment": segment, "units": 100.0 * (1 + rate / 100) ** (i // 12)})
    return pd.DataFrame(rows)


def test_cagr_matches_the_growth_built_in():
    table = cagr_table(segments({"Fast": 20.0, "Flat": 0.0}), "segment", "units")
    assert table.set_index("segment")["cagr"].to_dict() == pytest.approx({"Fast": 20.0, "Flat": 0.0})
    assert table["share_of_market"].sum() == pytest.approx(100.0)
    assert table["segment"].iloc[0] == "Fast"  # largest latest year first


def test_yoy_growth_of_a_rolling_year_starts_after_two_years():
    growth = yoy_growth(segments({"Fast": 20.0}), "segment", "units")
    assert growth["date"].min() == DATES[23]
    assert growth[growth["date"] == DATES[35]]["growth"].iloc[0] == pytest.approx(20.0)


def test_short_slice_has_no_cagr():
    short = segments({"A": 10.0})
    short = short[short["date"] < DATES[12]]
    assert np.isnan(cagr_table(short, "segment", "units")["cagr"].iloc[0])


def test_attractiveness_gives_our_share_per_segment():
    totals = segments({"A": 10.0, "B": 0.0})
    ours = totals.assign(company="Us", units=totals["units"] * 0.25)
    rest = totals.assign(company="Them", units=totals["units"] * 0.75)
    table = attractiveness(pd.concat([ours, rest]), "segment", "units", "Us")
    assert table["our_share"].tolist() == pytest.approx([25.0, 25.0])
    assert table.set_index("segment")["cagr"]["A"] == pytest.approx(10.0)


def test_decompose_separates_a_seasonal_dip_from_the_trend():
    t = np.arange(60)
    series = pd.Series(1000 + 5 * t + 100 * np.sin(2 * np.pi * t / 12), index=pd.date_range("2020-01-01", periods=60, freq="MS"))
    result = decompose(series)
    assert result.seasonal_strength > 0.9
    assert np.allclose(result.frame["trend"].diff().dropna().iloc[12:-12], 5, atol=1.0)
    parts = result.frame[["trend", "seasonal", "remainder"]].sum(axis=1)
    assert np.allclose(parts, result.frame["observed"])


def test_decompose_a_short_series_says_why_not():
    result = decompose(pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-01-01", periods=3, freq="MS")))
    assert "fewer than three full seasons" in result.method and result.seasonal_strength is None


def test_two_years_of_noise_are_not_called_seasonal():
    # With two seasons STL's seasonal row soaks up the noise: it would say "seasonality explains 99%".
    rng = np.random.default_rng(0)
    noise = pd.Series(1000 + 50 * rng.normal(size=30), index=pd.date_range("2020-01-01", periods=30, freq="MS"))
    assert decompose(noise).seasonal_strength is None


def test_decompose_counts_missing_weeks_on_the_calendar_and_keeps_them_empty():
    # 157 weekly periods (three full seasons of 52), 6 of them without figures: still decomposed.
    weeks = pd.date_range("2022-01-03", periods=157, freq="W-MON")
    t = np.arange(157)
    series = pd.Series(1000 + 200 * np.sin(2 * np.pi * t / 52), index=weeks).drop(weeks[[5, 6, 30, 52, 53, 80]])
    result = decompose(series, season=52)
    assert result.seasonal_strength is not None and result.seasonal_strength > 0.5
    assert "6 periods without figures filled by linear interpolation" in result.method
    assert len(result.frame) == 157 and result.frame["observed"].isna().sum() == 6
