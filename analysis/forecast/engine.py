"""The driver: arguments, cache, and one forecast from preparation to calibrated band."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import threading
import warnings
from collections import OrderedDict

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from analysis.forecast.arima import _COVERED_ORDERS
from analysis.forecast.backtest import _Backtest, _run_backtest
from analysis.forecast.models import _BASE, _FALLBACK, _MODELS, _SHORT_NAMES, _FitFailed, _safe_fit
from analysis.forecast.prepare import _prepare, _Prepared
from analysis.forecast.fitted import ForecastFit
from analysis.forecast.report import _backtest_table, _describe, _empty_table, _summary_head
from analysis.forecast.result import CANDIDATES, ON_REQUEST, Forecast
from analysis.forecast.select import _Calibration, _calibration, _choose, _rank
from analysis.forecast.window import _Fit, _Window

_CACHE_SIZE = 256
_BLAS: ThreadpoolController | None = None  # found once: inspecting the loaded libraries costs milliseconds


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """Limit BLAS/OpenMP to one thread for the duration of a fit, then restore the caller's setting.

    The models multiply matrices of a few dozen rows: extra BLAS threads only spin-wait, and on
    a busy machine that multiplied a forecast's CPU time 5-10 times for notebook users and
    batch jobs that had not capped threads themselves (the server caps them process-wide).
    """
    global _BLAS
    if _BLAS is None:
        import scipy.linalg  # noqa: F401  (scipy ships its own BLAS, which statsmodels uses: load it to find it)

        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1)


def forecast(
    y: pd.Series,
    horizon: int,
    *,
    season_length: int | None = None,
    level: float = 0.9,
    method: str = "auto",
) -> Forecast:
    """Forecast `horizon` periods after the end of `y` with a `level` prediction interval.

    `y` is indexed by dates (a regular frequency; gaps are filled), periods or integers.
    `season_length` defaults from the frequency (52 weekly, 12 monthly, 4 quarterly, else
    1). `method="auto"` picks by rolling-origin backtest; a name from `CANDIDATES` forces
    that model (falling back, and saying so, when the data cannot support it). Another
    level for the same series reuses the cached fit (see `fit_forecast`).
    """
    _check_level(level)
    return fit_forecast(y, horizon, season_length=season_length, method=method).forecast(horizon, level)


def fit_forecast(
    y: pd.Series,
    horizon: int,
    *,
    season_length: int | None = None,
    method: str = "auto",
) -> ForecastFit:
    """Fit and backtest once, up to `horizon`: `.forecast(h, level)` then gives any h <= horizon and any level.

    For controls that move the horizon or the band's level: fit at the longest horizon
    offered and derive each view, instead of refitting for every move. Results are cached
    per (series, horizon, season length, method), never per level.
    """
    horizon, method = _check_arguments(y, horizon, season_length, method)
    key = _cache_key(y, horizon, season_length, method)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    # One fit at a time: warning filters are process-wide, so concurrent `catch_warnings`
    # blocks (Streamlit sessions run in threads) could leave them changed. Fitting is
    # GIL-bound anyway, and a session waiting here may find its result cached.
    with _FIT_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        with _one_blas_thread(), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = _fit(y, horizon, season_length, method)
        _CACHE.put(key, result)
    return result


def available_methods(y: pd.Series, season_length: int | None = None) -> tuple[str, ...]:
    """The candidates this series can support, for a model picker ("auto" first)."""
    with _FIT_LOCK, _one_blas_thread(), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        prepared = _prepare(y, season_length)
        window = _Window.of(prepared.values, prepared.season_length)
    usable = [name for name in _BASE if _MODELS[name].usable(window)]
    if len(usable) >= 3:
        usable.append("combination")
    usable += [name for name in ON_REQUEST if _MODELS[name].usable(window)]
    return ("auto", *usable)


def clear_cache() -> None:
    """Forget every cached forecast (benchmarks use it to time cold fits)."""
    _CACHE.clear()


# ---------------------------------------------------------------------------------------
# Arguments and cache


def _check_level(level: float) -> None:
    if not isinstance(level, (float, int, np.floating)) or not 0.5 <= float(level) < 1:
        raise ValueError(f"level must be between 0.5 and 1 (e.g. 0.9 for a 90% band), not {level!r}")


def _check_arguments(y: pd.Series, horizon: int, season_length: int | None, method: str) -> tuple[int, str]:
    if not isinstance(y, pd.Series):
        raise TypeError(f"y must be a pandas Series, not {type(y).__name__}")
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be a positive whole number of periods, not {horizon!r}")
    if season_length is not None and (
        isinstance(season_length, bool) or not isinstance(season_length, (int, np.integer)) or season_length < 1
    ):
        raise ValueError(f"season_length must be a positive whole number, not {season_length!r}")
    if method != "auto" and method not in CANDIDATES:
        allowed = ", ".join(("auto", *CANDIDATES))
        raise ValueError(f"unknown forecast method {method!r}; choose one of: {allowed}")
    return int(horizon), method


def _cache_key(y: pd.Series, horizon: int, season_length: int | None, method: str) -> str:
    """A digest of everything the fit depends on (not the level), so equal requests share one fit."""
    digest = hashlib.blake2b(digest_size=20)
    values = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    digest.update(np.ascontiguousarray(values).tobytes())
    index = y.index
    digest.update(f"{type(index).__name__}|{index.dtype}|{getattr(index, 'freqstr', None)}|".encode())
    if isinstance(index, pd.DatetimeIndex):
        digest.update(np.ascontiguousarray(index.asi8).tobytes())
    elif isinstance(index, pd.PeriodIndex):
        digest.update(np.ascontiguousarray(index.asi8).tobytes())
    else:
        digest.update(repr(index.tolist()).encode())
    digest.update(repr((y.name, horizon, season_length, method)).encode())
    return digest.hexdigest()


class _LRUCache:
    """A small thread-safe LRU: Streamlit serves sessions from threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, ForecastFit] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> ForecastFit | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, value: ForecastFit) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _LRUCache(_CACHE_SIZE)
_FIT_LOCK = threading.Lock()



def _candidates(window: _Window, method: str, h: int, ready: dict[str, _Fit]) -> tuple[list[str], str, str]:
    """The candidates worth replaying, the model to start from, and why it is not `method`.

    ARIMA and Holt-Winters choose their form (order, seasonality) on the whole series
    here, once; replays reuse it. In "auto", ARIMA is replayed only when it has a chance.
    A named model the data cannot support steps down to a simpler one.
    """
    reasons = []
    if method in ("auto", "combination"):
        names = [name for name in _BASE if _MODELS[name].usable(window)]
        if "arima" in names and not _arima_has_a_chance(window, h, ready):
            names.remove("arima")
    else:
        while not _MODELS[method].usable(window) and method != "naive":
            model = _MODELS[method]
            needs = "a season length above 1" if model.seasonal_only and window.m <= 1 else (
                f"at least {model.min_size(window.m)} observations"
            )
            reasons.append(f"{_SHORT_NAMES[method]} needs {needs}")
            method = _FALLBACK.get(method, "naive")
        names = [method]
    for name in set(names) & {"arima", "sarima", "holt_winters"} - set(ready):
        try:
            ready[name] = _safe_fit(name, window, h)
        except _FitFailed as failure:
            names.remove(name)
            reasons.append(str(failure))
            if method == name:
                method = _FALLBACK[name]
                names = [method]
    return names, method, "; ".join(reasons)


def _fit(y: pd.Series, horizon: int, season_length: int | None, method: str) -> ForecastFit:
    prepared = _prepare(y, season_length)
    values, m = prepared.values, prepared.season_length
    if np.ptp(values) == 0:
        return _constant_fit(prepared, horizon)
    steps = horizon + prepared.trailing_missing  # forecast across trailing holes, show only the future
    window = _Window.of(values, m)
    ready: dict[str, _Fit] = {}  # whole-series fits made before the backtest, reused after it
    names, start, stepped_down = _candidates(window, method, steps, ready)
    orders = {name: fit.option for name, fit in ready.items() if fit.option is not None}
    backtest = _run_backtest(values, m, steps, names, orders)
    if window.nonnegative and method in ("auto", "combination"):
        backtest = _without_negative_forecasts(backtest, window, steps, ready)
    ranking = _rank(backtest, window.positive)
    choice = _choose(start, ranking, window, steps, ready, stepped_down)
    table = _backtest_table(ranking, choice, backtest)
    head, checked = _summary_head(choice, table, backtest, prepared.unit, len(ranking), method == "auto")
    return ForecastFit(
        mean=choice.mean,
        sd=choice.sd,
        skip=prepared.trailing_missing,
        index=prepared.future(horizon),
        name=prepared.name,
        nonnegative=window.nonnegative,
        model=_describe(choice, window, prepared.notes),
        method=choice.method,
        season_length=m,
        backtest=table,
        backtest_origins=len(backtest.origins),
        backtest_horizon=backtest.horizon,
        calibration=_calibration(backtest, choice),
        summary_head=head,
        checked=checked,
        notes=prepared.notes,
    )


def _without_negative_forecasts(backtest: _Backtest, window: _Window, h: int, ready: dict[str, _Fit]) -> _Backtest:
    """Leave out of the comparison every candidate whose forecast of a series that never went below zero does.

    Units, sales and visitors cannot be negative. An undamped trend (Holt's, drift)
    carried down a falling series for a long horizon crosses zero; clipping the
    combination at zero afterwards still leaves that member pulling the others down
    towards it, which is where sMAPE is harshest (a forecast near zero scores close to
    200%). Such a member is implausible for this series, like a fit that diverged; the
    candidates are fitted on the whole series once here (the members would be anyway)
    and the ones that go negative are dropped, unless every candidate does.
    """
    keep = []
    for name in backtest.fits:
        try:
            fit = ready[name] if name in ready else _safe_fit(name, window, h)
        except _FitFailed:
            continue
        ready[name] = fit
        if np.min(fit.mean) >= 0:
            keep.append(name)
    if not keep or len(keep) == len(backtest.fits):
        return backtest
    return dataclasses.replace(backtest, fits={name: backtest.fits[name] for name in keep})


def _arima_has_a_chance(window: _Window, h: int, ready: dict[str, _Fit]) -> bool:
    """Replay the (slowest) candidate, ARIMA, only when AICc picks an order the others lack.

    ARIMA(0,1,1) with drift is the Theta method in another guise; any other order brings
    something new to compare. Either way the order is chosen once, on the whole series.
    """
    if window.n < _ARIMA_MIN_SIZE:
        return False
    try:
        ready["arima"] = _safe_fit("arima", window, h)
    except _FitFailed:
        return False
    return ready["arima"].option[0] not in _COVERED_ORDERS


_ARIMA_MIN_SIZE = 12


def _constant_fit(prepared: _Prepared, horizon: int) -> ForecastFit:
    """A constant series (or a single value) forecasts itself with no spread: nothing varies."""
    value = float(prepared.values[-1])
    if len(prepared.values) == 1:
        model = "Naive (a single observation, repeated)"
        summary = (
            f"With a single observation ({value:,.6g}) there is no trend or variation to learn from, "
            "so the forecast repeats it and shows no range."
        )
    else:
        model = "Naive (the series is constant, so is the forecast)"
        summary = (
            f"Every past value is {value:,.6g}, so the forecast repeats it; "
            "there is no variation from which to estimate a range."
        )
    steps = horizon + prepared.trailing_missing
    return ForecastFit(
        mean=np.full(steps, value),
        sd=np.zeros(steps),
        skip=prepared.trailing_missing,
        index=prepared.future(horizon),
        name=prepared.name,
        nonnegative=value >= 0,
        model="; ".join([model, *prepared.notes]),
        method="naive",
        season_length=prepared.season_length,
        backtest=_empty_table(),
        backtest_origins=0,
        backtest_horizon=0,
        calibration=_Calibration((), 0, 0),
        summary_head="",
        checked=False,
        notes=prepared.notes,
        fixed_summary=summary,
    )
