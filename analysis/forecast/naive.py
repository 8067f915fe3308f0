"""Benchmarks: naive, seasonal naive and drift."""

from __future__ import annotations

import numpy as np

from analysis.forecast.window import _adjusted_suffix, _Fit, _rms, _Window

def _fit_naive(window: _Window, h: int) -> _Fit:
    a = window.adjusted
    sigma = _rms(np.diff(a))
    steps = np.arange(1, h + 1)
    mean, sd = window.reseason(np.full(h, a[-1]), sigma * np.sqrt(steps))
    return _Fit(mean, sd, "Naive (last value carried forward)" + _adjusted_suffix(window))


def _fit_seasonal_naive(window: _Window, h: int) -> _Fit:
    y, m = window.y, window.m
    steps = np.arange(1, h + 1)
    mean = np.array([y[len(y) - m + (k % m)] for k in range(h)])
    sigma = _rms(y[m:] - y[:-m]) if len(y) > m else _rms(np.diff(y))
    return _Fit(mean, sigma * np.sqrt((steps - 1) // m + 1), "Seasonal naive (last season repeated)")


def _fit_drift(window: _Window, h: int) -> _Fit:
    a = window.adjusted
    n = len(a)
    slope = (a[-1] - a[0]) / (n - 1)
    steps = np.arange(1, h + 1)
    sigma = _rms(np.diff(a) - slope)
    mean, sd = window.reseason(a[-1] + slope * steps, sigma * np.sqrt(steps * (1 + steps / (n - 1))))
    return _Fit(mean, sd, "Random walk with drift (last value plus the average change)" + _adjusted_suffix(window))

