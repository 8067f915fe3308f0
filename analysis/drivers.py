"""Does an external driver (marketing spend, a price index) improve the market forecast?

A SARIMAX with the driver as a regressor is compared with the same SARIMAX
without it on the last `horizon` periods held out. The backtest feeds the model
the driver's actual values, which flatters it (in real use the driver's future
is itself a forecast), so the page says so; the forecast itself uses the
engine's forecast of the driver.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.statespace.sarimax import SARIMAX

from analysis.forecast import forecast


@dataclass(frozen=True)
class DriverComparison:
    driver: str
    plain_mape: float  # percent, on the held-out periods
    driver_mape: float
    coefficient: float  # elasticity of the series to the driver (log-log)
    p_value: float
    mean: pd.Series  # forecast with the driver
    lower: pd.Series
    upper: pd.Series

    @property
    def helps(self) -> bool:
        return self.driver_mape < self.plain_mape and self.p_value < 0.05

    def describe(self) -> str:
        """The verdict in one plain sentence, before any statistic (those are in `statistics`)."""
        compared = f"it missed the recent periods held out by {self.driver_mape:.1f}% on average, against " \
                   f"{self.plain_mape:.1f}% without it"
        if self.helps:
            return f"Adding {self.driver} improves the forecast: {compared}."
        if self.driver_mape < self.plain_mape:
            return (f"Adding {self.driver} does not improve the forecast reliably: {compared}, but its link to the "
                    "market is too weak to tell from chance.")
        return f"Adding {self.driver} does not improve the forecast: {compared}."

    def statistics(self) -> list[dict[str, str]]:
        """The figures behind the sentence, worded, two decimals, for a details table."""
        return [
            {"Statistic": f"Elasticity of the market to {self.driver} (log-log)", "Value": f"{self.coefficient:+.2f}"},
            {"Statistic": "p-value of that elasticity", "Value": f"{self.p_value:.2f}" if self.p_value >= 0.01
             else "< 0.01"},
            {"Statistic": f"Forecast error with {self.driver} (MAPE, held-out periods)", "Value": f"{self.driver_mape:.2f}%"},
            {"Statistic": "Forecast error without it (MAPE)", "Value": f"{self.plain_mape:.2f}%"},
        ]


CAVEAT = ("The held-out periods were forecast with the driver's actual values, which flatters it: in real use its "
          "future is itself a forecast.")


def _fit(y: np.ndarray, x: np.ndarray | None, season: int):
    seasonal = (0, 1, 1, season) if season > 1 and len(y) >= 3 * season else (0, 0, 0, 0)
    model = SARIMAX(y, exog=x, order=(1, 1, 1), seasonal_order=seasonal, trend="n",
                    enforce_stationarity=False, enforce_invertibility=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(disp=False, maxiter=200)


def compare_with_driver(y: pd.Series, x: pd.Series, name: str, *, horizon: int, season: int = 12,
                        level: float = 0.9) -> DriverComparison:
    """Backtest with and without the driver, then forecast with it. Both series must be positive."""
    frame = pd.concat({"y": y, "x": x}, axis=1).dropna()
    frame = frame[(frame > 0).all(axis=1)]
    if len(frame) < 2 * season + horizon:
        raise ValueError(f"only {len(frame)} periods where both the market and {name} have values")
    log_y, log_x = np.log(frame["y"].to_numpy()), np.log(frame["x"].to_numpy())[:, None]
    train, test = slice(None, -horizon), slice(-horizon, None)
    actual = frame["y"].to_numpy()[test]
    plain = np.exp(_fit(log_y[train], None, season).forecast(horizon))
    with_x = _fit(log_y[train], log_x[train], season)
    guided = np.exp(with_x.forecast(horizon, exog=log_x[test]))
    mape = lambda f: float(100 * np.mean(np.abs(f - actual) / actual))  # noqa: E731
    full = _fit(log_y, log_x, season)
    driver_future = forecast(frame["x"], horizon, season_length=season, level=level).mean.clip(lower=1e-9)
    prediction = full.get_forecast(horizon, exog=np.log(driver_future.to_numpy())[:, None])
    bounds = np.exp(prediction.conf_int(alpha=1 - level))
    index = driver_future.index
    return DriverComparison(
        driver=name, plain_mape=mape(plain), driver_mape=mape(guided),
        coefficient=float(full.params[0]), p_value=float(full.pvalues[0]),  # exog coefficients come first
        mean=pd.Series(np.exp(prediction.predicted_mean), index=index),
        lower=pd.Series(bounds[:, 0], index=index), upper=pd.Series(bounds[:, 1], index=index),
    )
