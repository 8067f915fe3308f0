"""The regular calendar of a dataset's periods, with the periods that have no figures in it.

A weekly export with six weeks missing holds 99 dates but covers 105 weeks:
counting, decomposing or comparing by dates alone would treat the 99 as
consecutive. The calendar comes from the forecast's own reading of the
spacing (weeks, month starts, quarters, ...), so every page agrees on it.
"""

from __future__ import annotations

import pandas as pd


def calendar(dates) -> pd.DatetimeIndex:
    """Every period from the first date to the last on the dates' regular calendar (the dates themselves,
    sorted and de-duplicated, when no calendar holds them all, e.g. irregular survey dates)."""
    from analysis.forecast.prepare import _infer_offset

    index = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(index) < 3:
        return index
    offset = _infer_offset(index)
    if offset is None:
        return index
    grid = pd.date_range(index[0], index[-1], freq=offset)
    return grid if index.isin(grid).all() else index


def window_start(periods: pd.DatetimeIndex, end: pd.Timestamp, window: int) -> pd.Timestamp:
    """The first of the `window` calendar periods ending at `end`: "the 52 weeks to March" are 52 weeks of
    the calendar even when some of them have no figures (`periods` from `calendar`)."""
    at = int(periods.searchsorted(end, side="right")) - 1
    return periods[max(0, at - window + 1)]


def window_before_last(dates: pd.DatetimeIndex, periods: pd.DatetimeIndex, window: int) -> int:
    """Where in `dates` (the periods with figures) the window before the last one ends: the last date at or
    before `window` calendar periods before the end, so the two windows compared do not overlap."""
    target = periods[max(0, len(periods) - 1 - window)]
    return max(0, int(pd.DatetimeIndex(dates).searchsorted(target, side="right")) - 1)
