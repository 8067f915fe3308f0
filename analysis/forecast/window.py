"""A training window and what every model family shares (the fit record, the seasonal adjustment)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_SEASONAL_Z = 1.645  # the 90% seasonality test of the M3 Theta method
_WEAK_Z = 1.0  # below the test but over one standard error of seasonal autocorrelation: half a pattern
_WEAK_SEASON = 0.5  # share of the seasonal pattern removed when the seasonality test is inconclusive
_RECENT_SEASONS = 6  # seasonal indices average the last six seasons: patterns drift over the years


# ---------------------------------------------------------------------------------------
# A training window: the values, and the seasonal adjustment the non-seasonal models use


@dataclass(frozen=True)
class _Window:
    """Training values plus what every candidate needs to know about them.

    With two full seasons or more, the non-seasonal models run on seasonally adjusted
    data (classical decomposition, multiplicative for positive data) and the pattern is
    put back on their forecasts. The whole pattern is removed when the 90% autocorrelation
    test of the M3 Theta method says seasonal, half of it otherwise: shrinking a noisy
    estimate towards "no pattern" beat both all-or-nothing choices on M3 quarterly data.
    Indices average the last `_RECENT_SEASONS` seasons, as patterns drift.
    """

    y: np.ndarray
    m: int
    strength: float  # share of the seasonal pattern removed: 0, `_WEAK_SEASON` or 1
    multiplicative: bool
    adjusted: np.ndarray
    indices: np.ndarray  # seasonal index of the next m periods (position n + k uses indices[k % m])

    @classmethod
    def of(cls, y: np.ndarray, m: int) -> _Window:
        if m <= 1 or len(y) < 2 * m or np.ptp(y) == 0:
            return cls(y, m, 0.0, False, y, np.zeros(0))
        from statsmodels.tsa.seasonal import seasonal_decompose

        evidence = _seasonal_evidence(y, m)
        if len(y) >= 3 * m and abs(evidence) > _SEASONAL_Z:
            strength = 1.0
        elif evidence > _WEAK_Z:
            strength = _WEAK_SEASON
        else:
            return cls(y, m, 0.0, False, y, np.zeros(0))
        multiplicative = bool(np.all(y > 0))
        trend = np.asarray(seasonal_decompose(y, period=m, model="mul" if multiplicative else "add").trend)
        detrended = y / trend if multiplicative else y - trend
        index = np.array([np.nanmean(detrended[i::m][-_RECENT_SEASONS:]) for i in range(m)])
        index = index / index.mean() if multiplicative else index - index.mean()
        pattern = index[np.arange(len(y)) % m]
        pattern = 1 + strength * (pattern - 1) if multiplicative else strength * pattern
        adjusted = y / pattern if multiplicative else y - pattern
        return cls(y, m, strength, multiplicative, adjusted, pattern[len(y) - m :])

    @property
    def seasonal(self) -> bool:
        return self.strength > 0

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def nonnegative(self) -> bool:
        return bool(np.all(self.y >= 0))

    @property
    def positive(self) -> bool:
        return bool(np.all(self.y > 0))

    def seasonal_factors(self, h: int) -> np.ndarray:
        return np.array([self.indices[k % self.m] for k in range(h)])

    def reseason(self, mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Put the seasonal pattern back on an adjusted forecast and its spread."""
        if not self.seasonal:
            return mean, sd
        factors = self.seasonal_factors(len(mean))
        if self.multiplicative:
            return mean * factors, sd * factors
        return mean + factors, sd


def _seasonal_evidence(y: np.ndarray, m: int) -> float:
    """Autocorrelation at lag m in standard errors: the M3/M4 Theta seasonality test statistic.

    Seasonal at 90% when above 1.645 (with three seasons of data or more, as in M4).
    """
    if m <= 1 or len(y) < 2 * m or np.ptp(y) == 0:
        return 0.0
    from statsmodels.tsa.stattools import acf

    r = acf(y, nlags=m, fft=False)
    return float(r[m] / math.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(y)))


# ---------------------------------------------------------------------------------------
# Candidate models: each turns a window into point forecasts and its own h-step spread


@dataclass(frozen=True)
class _Fit:
    mean: np.ndarray
    sd: np.ndarray  # the model's own h-step standard deviation, before backtest calibration
    label: str
    option: object = None  # what a replay reuses: the ARIMA order and estimates, the Holt-Winters form


@dataclass(frozen=True)
class _Model:
    name: str
    fit: Callable[..., _Fit]  # (window, h[, option]) -> _Fit
    min_size: Callable[[int], int]  # fewest observations, given the season length
    seasonal_only: bool = False

    def usable(self, window: _Window) -> bool:
        if self.seasonal_only and window.m <= 1:
            return False
        return window.n >= self.min_size(window.m)


def _adjusted_suffix(window: _Window) -> str:
    return f" on {_adjustment_words(window)}" if window.seasonal else ""


def _adjustment_words(window: _Window) -> str:
    kind = "multiplicative" if window.multiplicative else "additive"
    partly = "" if window.strength == 1 else "half-"
    return f"{partly}seasonally adjusted data ({kind} classical decomposition)"


def _rms(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0

