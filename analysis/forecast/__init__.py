"""One forecast call for every page: what would have forecast this series best.

Product managers need a forecast they can trust without tuning it. So the engine fits a
handful of well-known models (naive and seasonal naive, drift, exponential smoothing,
Holt-Winters, Theta, a small ARIMA search), replays the last few forecast windows as if
they were the future (a rolling-origin backtest), and averages the models that came close
to the best there: on a few replays the single winner is partly luck, and the mean of good
models is rarely far from the best of them (as the M3 and M4 competitions found). On M3
this beats the competition's winner, Theta, on yearly, quarterly and "other" series
(`python -m bench.forecast`).

The band is the models' own h-step spread plus how much the plausible models disagree,
stretched to what the backtest errors say; the backtest also reports how often past
outcomes fell inside it. Everything here is pure pandas/numpy/statsmodels, so a notebook
or a batch job can use it; fits are cached per (series, horizon, method), not per level.
`fit_forecast` fits once for controls that move the horizon and level: every shorter
horizon and any level derive from that one fit.

The package keeps one module per model family (`naive`, `ets`, `theta`, `arima`), apart from
the driver (`engine`) and the steps it runs (`prepare`, `window`, `backtest`, `select`,
`report`), as statsforecast keeps its models apart from its driver.
"""

from __future__ import annotations

from analysis.forecast.engine import available_methods, clear_cache, fit_forecast, forecast
from analysis.forecast.fitted import ForecastFit
from analysis.forecast.result import CANDIDATES, ON_REQUEST, Forecast

__all__ = [
    "CANDIDATES", "ON_REQUEST", "Forecast", "ForecastFit", "available_methods", "clear_cache", "fit_forecast",
    "forecast",
]
