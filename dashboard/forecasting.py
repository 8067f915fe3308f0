"""The Market page's forecast, fitted once per data slice and model, at the longest horizon offered.

Moving the horizon or the interval level used to refit and backtest every candidate (1-4 s
under load). The fit depends only on the series and the model, so it is cached by those
(`st.cache_data`, shared by every session through `computed`), and each horizon and level is
derived from it (`ForecastFit.forecast`): the first h steps of the one fit, with the band's
quantile for the level.
"""

from __future__ import annotations

import pandas as pd

from analysis.forecast import Forecast, ForecastFit, fit_forecast
from dashboard.shared_work import computed

MAX_HORIZON = 36  # the horizon slider's end: the one fit covers every position of it


def market_fit(series: pd.Series, season: int, method: str) -> ForecastFit:
    """The slice's fit up to `MAX_HORIZON`, cached per (series, season, method), never per horizon or level."""
    return computed(fit_forecast, series, MAX_HORIZON, season_length=season, method=method)


def market_forecast(series: pd.Series, season: int, method: str, horizon: int, level: float) -> Forecast:
    """`horizon` periods at `level`, derived from the cached fit without refitting."""
    return market_fit(series, season, method).forecast(horizon, level)
