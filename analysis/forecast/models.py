"""The registry of candidate models, fitting one safely, and what to fall back on."""

from __future__ import annotations

import warnings

import numpy as np

from analysis.forecast.arima import _fit_arima, _fit_sarima
from analysis.forecast.ets import _fit_damped, _fit_holt, _fit_holt_winters, _fit_ses
from analysis.forecast.naive import _fit_drift, _fit_naive, _fit_seasonal_naive
from analysis.forecast.result import CANDIDATES, ON_REQUEST
from analysis.forecast.theta import _fit_theta
from analysis.forecast.window import _Fit, _Model, _Window

_MAX_HW_SEASON = 24  # Holt-Winters with 52 weekly states is slow and rarely better than adjusting first


_MODELS: dict[str, _Model] = {
    model.name: model
    for model in (
        _Model("naive", _fit_naive, lambda m: 1),
        _Model("seasonal_naive", _fit_seasonal_naive, lambda m: m, seasonal_only=True),
        _Model("drift", _fit_drift, lambda m: 3),
        _Model("ses", _fit_ses, lambda m: 4),
        _Model("holt", _fit_holt, lambda m: 6),
        _Model("damped", _fit_damped, lambda m: 8),
        _Model("holt_winters", _fit_holt_winters, lambda m: 2 * m + 2 if m <= _MAX_HW_SEASON else 10**9, True),
        _Model("theta", _fit_theta, lambda m: 4),
        _Model("arima", _fit_arima, lambda m: 12),
        _Model("sarima", _fit_sarima, lambda m: 3 * m + 4, seasonal_only=True),
    )
}


class _FitFailed(Exception):
    """A candidate that raised, did not converge or produced an implausible forecast."""


def _safe_fit(name: str, window: _Window, h: int, option: object = None) -> _Fit:
    """Fit one candidate; convergence warnings and absurd forecasts count as failures."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    model = _MODELS[name]
    if not model.usable(window):
        raise _FitFailed(f"{_SHORT_NAMES[name]} needs at least {model.min_size(window.m)} observations")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = model.fit(window, h) if option is None else model.fit(window, h, option)
        except Exception as error:  # statsmodels raises many types; any of them means "use something simpler"
            raise _FitFailed(f"{_SHORT_NAMES[name]} could not be fitted ({type(error).__name__})") from error
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        raise _FitFailed(f"{_SHORT_NAMES[name]} did not converge")
    bound = 10 * (np.max(np.abs(window.y)) + np.ptp(window.y))
    if not (np.all(np.isfinite(fit.mean)) and np.all(np.isfinite(fit.sd)) and np.max(np.abs(fit.mean)) <= bound):
        raise _FitFailed(f"{_SHORT_NAMES[name]} gave an implausible forecast")
    return fit


_SHORT_NAMES = {
    "naive": "naive",
    "seasonal_naive": "seasonal naive",
    "drift": "drift",
    "ses": "simple exponential smoothing",
    "holt": "Holt's trend",
    "damped": "damped trend",
    "holt_winters": "Holt-Winters",
    "theta": "Theta",
    "arima": "ARIMA",
    "sarima": "seasonal ARIMA",
    "combination": "the combination",
}



_BASE = tuple(name for name in CANDIDATES if name != "combination" and name not in ON_REQUEST)
_FALLBACK = {  # the simpler model to use when one cannot be fitted
    "holt_winters": "damped",
    "arima": "damped",
    "sarima": "holt_winters",
    "damped": "ses",
    "holt": "ses",
    "theta": "ses",
    "drift": "naive",
    "ses": "naive",
    "seasonal_naive": "naive",
}

