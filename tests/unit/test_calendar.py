"""The calendar of a dataset's periods: windows are counted in calendar periods, not in periods with figures."""

from __future__ import annotations

import pandas as pd

from analysis.calendar import calendar, window_before_last, window_start
from tests.share_files import MISSING_WEEKS, WEEKS


def test_a_weekly_export_with_missing_weeks_keeps_every_week_of_its_calendar():
    with_figures = WEEKS.delete(MISSING_WEEKS)
    assert list(calendar(with_figures)) == list(WEEKS)  # 105 weeks, six of them without figures


def test_the_52_weeks_to_the_end_are_52_calendar_weeks_even_with_weeks_missing():
    assert window_start(WEEKS, WEEKS[-1], 52) == WEEKS[-52]  # counted over the 99 weeks with figures: 55 weeks back
    assert window_start(WEEKS, WEEKS[10], 52) == WEEKS[0]  # a window longer than the history starts at its start


def test_the_window_before_the_last_ends_where_the_calendar_says_not_overlapping_the_last():
    with_figures = WEEKS.delete(MISSING_WEEKS)
    ends = with_figures[window_before_last(with_figures, WEEKS, 52)]
    assert ends == WEEKS[51]  # WEEKS[52] has no figures: the last week with figures before it
    assert ends < window_start(WEEKS, WEEKS[-1], 52)
    months = pd.date_range("2020-01-01", periods=36, freq="MS")
    assert months[window_before_last(months, months, 12)] == months[-13]  # a complete monthly file: a year back
