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
