"""What `forecast` returns, and the names it accepts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Names accepted by ``forecast(method=...)`` besides "auto", simplest first.
CANDIDATES: tuple[str, ...] = (
    "naive",
    "seasonal_naive",
    "drift",
    "ses",
    "holt",
    "damped",
    "holt_winters",
    "theta",
    "arima",
    "sarima",
    "combination",
)
#: Candidates fitted only when named: too slow for every "auto" forecast (see `_fit_sarima`).
ON_REQUEST: tuple[str, ...] = ("sarima",)


@dataclass(frozen=True, eq=False)
class Forecast:
    """A forecast with its interval and the evidence behind the model choice.

    Series cover the future periods only and continue the input's index. The object is
    shared through the cache: treat it (and its Series) as read-only.
    """

    mean: pd.Series
    lower: pd.Series
    upper: pd.Series
    model: str  # what was fitted, in words, including any fallback or data repair
    method: str  # the candidate name that produced `mean` ("naive" ... "combination")
    level: float
    season_length: int
    backtest: pd.DataFrame  # one row per candidate: model, mape, smape, mase (percent / ratio)
    coverage: float  # share of backtest actuals inside the interval (NaN without a backtest)
    backtest_origins: int
    backtest_horizon: int
    summary: str
    notes: tuple[str, ...] = ()

    @property
    def frame(self) -> pd.DataFrame:
        """The forecast as one tidy table (`mean`, `lower`, `upper`) for charts and downloads."""
        return pd.DataFrame({"mean": self.mean, "lower": self.lower, "upper": self.upper})

