"""Headline figures: twelve months against the twelve before, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.kpis import growth_by, headline


def monthly(values: dict[str, list[float]], start: str = "2022-01-01") -> pd.DataFrame:
    rows = []
    for company, series in values.items():
        for i, v in enumerate(series):
            rows.append({"date": pd.Timestamp(start) + pd.DateOffset(months=i), "company": company, "revenue": v})
    return pd.DataFrame(rows)


def test_growth_and_share_by_hand():
    # We sell 10 then 15 a month; the rival 30 then 30. Market 40 -> 45 a month.
    frame = monthly({"Us": [10] * 12 + [15] * 12, "Rival": [30] * 24})
    h = headline(frame, "Us", "revenue")
    assert h.market == 45 * 12 and h.previous_market == 40 * 12
    assert h.market_growth == pytest.approx(12.5)
    assert h.our_growth == pytest.approx(50.0)
    assert h.share == pytest.approx(100 * 15 / 45)
    assert h.share_change == pytest.approx(100 * 15 / 45 - 25.0)
    assert h.window_start == pd.Timestamp("2023-01-01") and h.window_end == pd.Timestamp("2023-12-01")


def test_short_history_has_no_made_up_comparison():
    h = headline(monthly({"Us": [1] * 14, "Rival": [3] * 14}), "Us", "revenue")
    assert h.previous_market is None and h.market_growth is None and h.share_change is None
    assert h.share == pytest.approx(25.0)


def test_a_company_absent_from_the_slice_has_zero_share():
    h = headline(monthly({"Rival": [3] * 24}), "Us", "revenue")
    assert h.ours == 0 and h.share == 0 and h.our_growth is None


def test_empty_slice_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="no data"):
        headline(monthly({}), "Us", "revenue")


def test_growth_by_names_the_fastest_segment_and_skips_new_ones():
    frame = monthly({"Slow": [10] * 12 + [11] * 12, "Fast": [10] * 12 + [20] * 12, "New": [0] * 12 + [5] * 12})
    frame = frame.rename(columns={"company": "segment"})
    growth = growth_by(frame, "segment", "revenue")
    assert growth.index[0] == "Fast" and growth["Fast"] == pytest.approx(100.0)
    assert math.isnan(growth["New"])
