"""Briefing outlook and turning points, on series whose future is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.briefing import Outlook, market_outlook, turning_point


def outlook(last: float, next_: float, method: str = "holt_winters") -> Outlook:
    return Outlook(12, last, next_, next_ * 0.9, next_ * 1.1, 0.9, "model", "summary", method)


def test_turning_points_by_hand():
    slows = turning_point(outlook(100.0, 104.0), past_growth=9.0)
    assert slows.text.startswith("Market growth slows: +9.0% over the last year, +4.0% forecast for the next")
    assert slows.sentiment == "risk" and slows.impact == pytest.approx(5.0)
    turns = turning_point(outlook(100.0, 98.0), past_growth=1.0)
    assert "turns to decline" in turns.text
    assert turning_point(outlook(100.0, 105.0), past_growth=6.0) is None  # within noise
    assert turning_point(outlook(100.0, 105.0), past_growth=None) is None
    assert slows.unit == "USD" and turning_point(outlook(100.0, 104.0), 9.0, unit="units").unit == "units"


def test_a_naive_forecast_is_not_a_turning_point():
    """Seasonal naive repeats last year: +0.0% after +7.6% is how the method works, not a slowdown to warn of."""
    assert turning_point(outlook(100.0, 100.0, "seasonal_naive"), past_growth=7.6) is None
    assert turning_point(outlook(100.0, 100.0, "naive"), past_growth=7.6) is None
    assert turning_point(outlook(100.0, 100.0, "drift"), past_growth=7.6) is not None


def test_market_outlook_says_which_method_it_used():
    months = pd.date_range("2018-01-01", periods=48, freq="MS")
    series = pd.Series(1000 + 200 * np.sin(2 * np.pi * np.arange(48) / 12), index=months)
    from analysis.forecast import forecast

    chosen = forecast(series, 12, season_length=12).method
    assert chosen and market_outlook(series).method == chosen  # what turning_point reads to know a naive forecast


def test_market_outlook_of_a_steady_trend():
    months = pd.date_range("2018-01-01", periods=96, freq="MS")
    series = pd.Series(1000 * 1.005 ** np.arange(96), index=months)
    result = market_outlook(series)
    assert result.growth == pytest.approx(100 * (1.005**12 - 1), abs=1.0)
    low, high = result.growth_range
    assert low <= result.growth <= high
