"""Rolling-origin backtest: replay the last few forecast windows as if they were the future."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.forecast.models import _FitFailed, _safe_fit
from analysis.forecast.window import _Fit, _Window

_BACKTEST_ORIGINS = 3  # few origins keep a monthly forecast well under a quarter second


@dataclass(frozen=True)
class _Backtest:
    origins: tuple[int, ...]  # training lengths, latest first
    horizon: int
    actuals: tuple[np.ndarray, ...]
    scales: tuple[float, ...]  # in-sample MAE of the (seasonal) naive at each origin, for MASE
    fits: dict[str, tuple[_Fit, ...]]  # candidates that fitted at every origin

    @property
    def span(self) -> int:
        """How many periods at the end of the series the replayed windows cover."""
        return self.origins[0] + self.horizon - self.origins[-1] if self.origins else 0


def _backtest_origins(n: int, h: int, m: int) -> tuple[tuple[int, ...], int]:
    """Training lengths for the replays: the latest `_BACKTEST_ORIGINS`, half a horizon apart.

    A short series gets its replays closer together rather than fewer of them: one replay
    says little about the band, and no leave-one-out check is possible with it.
    """
    min_train = m + 2 if m > 1 and n >= 2 * m else 6  # seasonal models need a season and a bit
    horizon = min(h, n - min_train)
    if horizon < 1:
        return (), 0
    room = (n - horizon - min_train) // max(_BACKTEST_ORIGINS - 1, 1)  # widest step that keeps every replay
    step = max(1, min(math.ceil(horizon / 2), room))
    origins = tuple(n - horizon - j * step for j in range(_BACKTEST_ORIGINS) if n - horizon - j * step >= min_train)
    return origins, horizon


def _run_backtest(values: np.ndarray, m: int, h: int, names: Sequence[str], orders: dict[str, object]) -> _Backtest:
    origins, horizon = _backtest_origins(len(values), h, m)
    actuals, scales, fits = [], [], {name: [] for name in names}
    for origin in origins:
        train = values[:origin]
        actuals.append(values[origin : origin + horizon])
        lag = m if m > 1 and origin > m else 1
        scales.append(float(np.mean(np.abs(train[lag:] - train[:-lag]))))
        window = _Window.of(train, m)
        for name in names:
            if fits.get(name) is None:
                continue
            try:
                fits[name].append(_safe_fit(name, window, horizon, orders.get(name)))
            except _FitFailed:
                fits[name] = None  # a candidate must survive every replay to be compared fairly
    complete = {name: tuple(f) for name, f in fits.items() if f is not None and len(f) == len(origins) and origins}
    return _Backtest(origins, horizon, tuple(actuals), tuple(scales), complete)


def _errors(backtest: _Backtest, forecasts: Sequence[np.ndarray]) -> dict[str, float]:
    """MAPE and sMAPE in percent, MASE as a ratio; averaged over origins (NaN when undefined)."""
    mape, smape, mase = [], [], []
    for actual, predicted, scale in zip(backtest.actuals, forecasts, backtest.scales):
        error = np.abs(actual - predicted)
        mape.append(100 * np.mean(error / np.abs(actual)) if np.all(actual != 0) else np.nan)
        denominator = np.abs(actual) + np.abs(predicted)
        smape.append(np.mean(np.where(denominator > 0, 200 * error / np.where(denominator > 0, denominator, 1), 0.0)))
        mase.append(np.mean(error) / scale if scale > 0 else np.nan)
    return {
        "mape": float(np.mean(mape)),
        "smape": float(np.mean(smape)),
        "mase": float(np.mean(mase)),
    }

