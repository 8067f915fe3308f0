"""ARIMA: a small AICc search on adjusted data, and the seasonal airline family."""

from __future__ import annotations

import math
import warnings

import numpy as np

from analysis.forecast.window import _adjusted_suffix, _Fit, _Window

# Differenced (with drift) and undifferenced (with mean) orders; AICc picks among them all.
_ARIMA_ORDERS = ((0, 1, 1), (1, 1, 0), (1, 1, 1), (2, 1, 0), (1, 0, 0), (2, 0, 0), (1, 0, 1))
# ARIMA(0,1,1) with drift is SES with drift, which the Theta candidate already is (Hyndman & Billah 2003).
_COVERED_ORDERS = {(0, 1, 1)}


def _clearly_wanders(a: np.ndarray) -> bool:
    """The KPSS test rejects a stable level at 5%: fitting the level itself is pointless."""
    from statsmodels.tsa.stattools import kpss

    if len(a) < 10 or np.ptp(a) == 0:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # p-values beyond the table's range come with a warning
        try:
            return bool(kpss(a, regression="c", nlags="auto")[1] < 0.05)
        except (ValueError, np.linalg.LinAlgError):
            return False


def _arma_by_aicc(z: np.ndarray, p: int, q: int, start: np.ndarray | None,
                  seasonal_ma: int = 0) -> tuple[float, object] | None:
    """ARMA(p,q) on zero-mean `z` (with a seasonal MA term at lag `seasonal_ma`), and its AICc.

    Maximum likelihood with the variance concentrated out, no parameter covariance and no
    smoothed states: only the likelihood and forecasts are used. None when the order
    cannot be fitted or did not converge: it is no candidate, the others may be.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.arima.model import ARIMA

    k = p + q + 2  # ARMA terms, the variance, and the centre (removed by the caller) or the seasonal MA term
    if len(z) - k - 1 <= 2:
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            seasonal = (0, 0, 1, seasonal_ma) if seasonal_ma else (0, 0, 0, 0)
            model = ARIMA(z, order=(p, 0, q), seasonal_order=seasonal, trend="n", concentrate_scale=True)
            result = model.fit(start_params=start, cov_type="none", low_memory=True)
        except (ValueError, np.linalg.LinAlgError):
            return None
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return None
    aicc = -2 * result.llf + 2 * k + 2 * k * (k + 1) / (len(z) - k - 1)
    return (aicc, result) if np.isfinite(aicc) else None


def _fit_arima(window: _Window, h: int, chosen: tuple[tuple[int, int, int], np.ndarray] | None = None) -> _Fit:
    """ARIMA(p,d,q) on adjusted data: drift when differenced, a mean otherwise.

    Seven small orders are fitted by maximum likelihood on centred data (fast: no trend
    parameters to optimise) and AICc picks one; when a KPSS test says the series clearly
    wanders, the three undifferenced orders are skipped (as auto.arima's unit-root step
    would). Replays reuse the order and start from its full-series estimates (`chosen`),
    which halves their optimiser's work.
    """
    a = window.adjusted
    best = None
    order, start = chosen if chosen else (None, None)
    if order is None:  # a series that clearly wanders needs no undifferenced candidates
        candidates = [o for o in _ARIMA_ORDERS if o[1] == 1] if _clearly_wanders(a) else list(_ARIMA_ORDERS)
    for p, d, q in (order,) if order else candidates:
        changes = np.diff(a) if d else a
        centre = float(np.mean(changes))  # the drift (d=1) or the mean (d=0)
        fitted = _arma_by_aicc(changes - centre, p, q, start)
        if fitted is not None and (best is None or fitted[0] < best[0]):
            best = (*fitted, (p, d, q), centre)
    if best is None:
        raise ValueError("no ARIMA order could be fitted")
    _, result, (p, d, q), centre = best
    mean = centre + np.asarray(result.forecast(h), dtype=float)
    psi = np.asarray(result.impulse_responses(steps=h - 1), dtype=float).reshape(-1)[:h]
    if d:  # forecast changes, then add them up from the last level
        mean, psi = a[-1] + np.cumsum(mean), np.cumsum(psi)
    sd = math.sqrt(max(float(result.scale), 0.0)) * np.sqrt(np.cumsum(psi**2))
    mean, sd = window.reseason(mean, sd)
    drift = "with drift" if d else "with mean"
    label = f"ARIMA({p},{d},{q}) {drift}" + _adjusted_suffix(window)
    return _Fit(mean, sd, label, option=((p, d, q), np.asarray(result.params)))


# Seasonal ARIMA: the "airline" family, a seasonal difference and a seasonal MA term.
_SARIMA_ORDERS = ((0, 1, 1), (1, 1, 0))


def _fit_sarima(window: _Window, h: int, chosen: tuple[tuple[int, int, int], np.ndarray] | None = None) -> _Fit:
    """SARIMA(p,1,q)(0,1,1)m on the raw series, the seasonal pattern left to the model.

    The differences (1-B)(1-B^m)y are fitted as an ARMA with concentrated variance,
    which is ~7 times faster than statsmodels' full state space (22 ms against 150 ms
    on 120 months). That is still too slow to replay in every "auto" forecast within
    its budget, so this candidate runs when named; the ARIMA search on seasonally
    adjusted data stands in for it in "auto".
    """
    y, m = window.y, window.m
    z = (y[m + 1 :] - y[m:-1]) - (y[1:-m] - y[: -m - 1])
    order, start = chosen if chosen else (None, None)
    best = None
    for p, _, q in (order,) if order else _SARIMA_ORDERS:
        fitted = _arma_by_aicc(z, p, q, start, seasonal_ma=m)
        if fitted is not None and (best is None or fitted[0] < best[0]):
            best = (*fitted, (p, 1, q))
    if best is None:
        raise ValueError("no seasonal ARIMA order could be fitted")
    _, result, (p, d, q) = best
    changes = np.asarray(result.forecast(h), dtype=float)
    psi = np.asarray(result.impulse_responses(steps=h - 1), dtype=float).reshape(-1)[:h]
    # Undo both differences: y_t = y_{t-1} + y_{t-m} - y_{t-m-1} + z_t, step by step.
    path = list(y)
    for change in changes:
        path.append(path[-1] + path[-m] - path[-m - 1] + change)
    mean = np.array(path[len(y) :])
    integrate = np.array([j // m + 1 for j in range(h)], dtype=float)  # 1/((1-B)(1-B^m)) weights
    psi_full = np.convolve(psi, integrate)[:h]
    sd = math.sqrt(max(float(result.scale), 0.0)) * np.sqrt(np.cumsum(psi_full**2))
    label = f"SARIMA({p},{d},{q})(0,1,1)[{m}] on the raw series"
    return _Fit(mean, sd, label, option=((p, d, q), np.asarray(result.params)))

