"""Coverage of a dataset: periods with no row at all are holes too."""

from __future__ import annotations

import pandas as pd

from analysis.coverage import coverage, missing_by_company
from data.validate import load
from tests.share_files import WEEKS, weekly_gaps_csv


def test_missing_weeks_count_as_missing_cells_and_show_in_the_heatmap():
    market = load("weekly.csv", weekly_gaps_csv()).frame
    c = coverage(market)
    assert (c.periods, c.missing_periods) == (99, 6)
    assert (c.missing_cells, c.expected_cells) == (18, 3 * 105)  # three brands × six weeks, of 105 weeks
    heatmap = missing_by_company(market)
    assert list(heatmap.columns) == list(WEEKS)
    assert (heatmap[WEEKS[5]] == 100).all() and (heatmap[WEEKS[4]] == 0).all()


def test_a_complete_monthly_table_misses_nothing():
    dates = pd.date_range("2024-01-01", periods=6, freq="MS")
    market = pd.DataFrame({"date": dates, "company": "A", "segment": "All", "region": "All", "units": 1.0})
    c = coverage(market)
    assert (c.periods, c.missing_periods, c.missing_cells) == (6, 0, 0)
