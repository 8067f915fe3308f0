"""One forecast call for every page: the model that would have forecast this series best.

Product managers need a forecast they can trust without tuning it. So the engine fits a
handful of well-known models (naive, exponential smoothing, Theta, a small ARIMA search),
replays the last few forecast windows as if they were the future (a rolling-origin
backtest), and keeps what would have worked: usually a combination of the best few, as
combinations of simple models are hard to beat (M3 and M4 competitions). The interval is
the chosen model's own h-step spread, stretched to what the backtest errors say, and the
backtest reports how often past outcomes fell inside it.

Everything here is pure pandas/numpy/statsmodels so a notebook or batch job can use it.
"""

from __future__ import annotations

import hashlib
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["CANDIDATES", "Forecast", "available_methods", "clear_cache", "forecast"]

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
    "combination",
)

_SEASONAL_POLICY = "test"
_WEAK_SEASON = 0.5
_BACKTEST_ORIGINS = 3  # few origins keep a monthly forecast well under a quarter second
_COMBINE_TOP = 3  # the combination is the median of the best three by backtest error
_CACHE_SIZE = 256
_MAX_HW_SEASON = 24  # Holt-Winters with 52 weekly states is slow and rarely better than adjusting first


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


# ---------------------------------------------------------------------------------------
# Public entry points


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
    that model (falling back, and saying so, when the data cannot support it).
    """
    horizon, level, method = _check_arguments(y, horizon, season_length, level, method)
    key = _cache_key(y, horizon, season_length, level, method)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = _forecast(y, horizon, season_length, level, method)
    _CACHE.put(key, result)
    return result


def available_methods(y: pd.Series, season_length: int | None = None) -> tuple[str, ...]:
    """The candidates this series can support, for a model picker ("auto" first)."""
    prepared = _prepare(y, season_length)
    window = _Window.of(prepared.values, prepared.season_length)
    usable = [name for name in CANDIDATES if name != "combination" and _MODELS[name].usable(window)]
    if len(usable) >= 3:
        usable.append("combination")
    return ("auto", *usable)


def clear_cache() -> None:
    """Forget every cached forecast (benchmarks use it to time cold fits)."""
    _CACHE.clear()


# ---------------------------------------------------------------------------------------
# Arguments and cache


def _check_arguments(
    y: pd.Series, horizon: int, season_length: int | None, level: float, method: str
) -> tuple[int, float, str]:
    if not isinstance(y, pd.Series):
        raise TypeError(f"y must be a pandas Series, not {type(y).__name__}")
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be a positive whole number of periods, not {horizon!r}")
    if season_length is not None and (
        isinstance(season_length, bool) or not isinstance(season_length, (int, np.integer)) or season_length < 1
    ):
        raise ValueError(f"season_length must be a positive whole number, not {season_length!r}")
    if not isinstance(level, (float, int, np.floating)) or not 0.5 <= float(level) < 1:
        raise ValueError(f"level must be between 0.5 and 1 (e.g. 0.9 for a 90% band), not {level!r}")
    if method != "auto" and method not in CANDIDATES:
        allowed = ", ".join(("auto", *CANDIDATES))
        raise ValueError(f"unknown forecast method {method!r}; choose one of: {allowed}")
    return int(horizon), float(level), method


def _cache_key(y: pd.Series, horizon: int, season_length: int | None, level: float, method: str) -> str:
    """A digest of everything the result depends on, so equal requests share one fit."""
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
    digest.update(repr((y.name, horizon, season_length, round(level, 12), method)).encode())
    return digest.hexdigest()


class _LRUCache:
    """A small thread-safe LRU: Streamlit serves sessions from threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Forecast] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Forecast | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, value: Forecast) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _LRUCache(_CACHE_SIZE)


# ---------------------------------------------------------------------------------------
# Preparing the series: a regular grid without holes, and a way to label the future


@dataclass(frozen=True)
class _Prepared:
    values: np.ndarray  # regular, finite, oldest first
    season_length: int
    future: Callable[[int], pd.Index]  # index of the next k periods after the input's last label
    trailing_missing: int  # periods at the end of the input with no value (forecast skips over them)
    unit: str  # "month", "quarter", ... for plain-words text
    name: object
    notes: tuple[str, ...]


_UNITS = {  # approximate days per period -> (unit, default season length)
    1: ("day", 7),
    7: ("week", 52),
    30: ("month", 12),
    91: ("quarter", 4),
    365: ("year", 1),
}


def _prepare(y: pd.Series, season_length: int | None) -> _Prepared:
    """Sort, de-duplicate, put on a regular grid and fill holes, noting every repair."""
    notes: list[str] = []
    values = pd.to_numeric(y, errors="coerce").astype(float)
    values = values.where(np.isfinite(values))
    index = y.index
    if isinstance(index, pd.DatetimeIndex):
        series, future, unit, default_m = _regular_dates(values, notes)
    elif isinstance(index, pd.PeriodIndex):
        series, future, unit, default_m = _regular_periods(values, notes)
    elif pd.api.types.is_integer_dtype(index.dtype) or (len(index) == 0 and isinstance(index, pd.RangeIndex)):
        series, future, unit, default_m = _regular_integers(values, notes)
    else:
        raise TypeError(
            f"y needs a DatetimeIndex, PeriodIndex or integer index, not {type(index).__name__} ({index.dtype})"
        )

    observed = series.notna().to_numpy()
    if not observed.any():
        raise ValueError("y has no numeric values to forecast from")
    first, last = int(np.argmax(observed)), len(observed) - int(np.argmax(observed[::-1])) - 1
    if first > 0:
        notes.append(f"{first} leading {_plural(unit, first)} without data ignored")
    trailing = len(observed) - 1 - last
    if trailing > 0:
        notes.append(f"the last {trailing} {_plural(unit, trailing)} have no data; the forecast covers them too")
    series = series.iloc[first : last + 1]
    holes = int(series.isna().sum())
    if holes:
        series = series.interpolate(method="linear")
        notes.append(f"{holes} missing {_plural(unit, holes)} filled by linear interpolation")
    m = int(season_length) if season_length is not None else default_m
    return _Prepared(
        values=series.to_numpy(dtype=float),
        season_length=max(1, m),
        future=future,
        trailing_missing=trailing,
        unit=unit,
        name=y.name,
        notes=tuple(notes),
    )


def _deduplicate(values: pd.Series, notes: list[str]) -> pd.Series:
    values = values.sort_index()
    if values.index.has_duplicates:
        duplicated = int(values.index.duplicated().sum())
        notes.append(f"{duplicated} repeated {_plural('date', duplicated)} averaged")
        values = values.groupby(level=0).mean()
    return values


def _regular_dates(values: pd.Series, notes: list[str]):
    """Regular dates: use the index's frequency, infer it, or read it off the spacing."""
    freq = values.index.freq
    values = _deduplicate(values, notes)
    index = values.index
    offset = freq or _infer_offset(index)
    if offset is None:  # no frequency fits every date: treat observations as equally spaced
        step = _median_step(index) if len(index) > 1 else pd.Timedelta(days=30)
        notes.append("dates are irregular; treated as equally spaced")
        days = step / pd.Timedelta(days=1)
        unit, m = _unit_for_days(days)
        last = index[-1]
        return values.reset_index(drop=True), lambda k: pd.DatetimeIndex([last + step * i for i in range(1, k + 1)]), unit, m
    grid = pd.date_range(index[0], index[-1], freq=offset)
    values = values.reindex(grid)  # missing periods become NaN, filled (and noted) by the caller
    last = grid[-1]
    days = _offset_days(offset, last)
    unit, m = _unit_for_days(days)
    return values, lambda k: pd.date_range(last, periods=k + 1, freq=offset)[1:], unit, m


def _infer_offset(index: pd.DatetimeIndex):
    """The calendar frequency whose grid contains every date, or None."""
    if len(index) >= 3:
        inferred = pd.infer_freq(index)
        if inferred is not None:
            return pd.tseries.frequencies.to_offset(inferred)
    if len(index) < 2:
        first = index[0]
        return pd.offsets.MonthBegin() if first.day == 1 else pd.offsets.MonthEnd() if first.is_month_end else pd.DateOffset(months=1)
    days = _median_step(index) / pd.Timedelta(days=1)
    first = index[0]
    month_starts = bool((index.day == 1).all())
    month_ends = bool(index.is_month_end.all())
    anchor = first.strftime("%b").upper()  # e.g. QS-APR also holds Jan, Jul, Oct
    if days < 1.5:
        options = ["D"]
    elif 5 <= days <= 9:
        options = [f"W-{first.strftime('%a').upper()}"]
    elif 26 <= days <= 33:
        options = ["MS" if month_starts else "ME" if month_ends else pd.DateOffset(months=1)]
    elif 85 <= days <= 95:
        options = [f"QS-{anchor}" if month_starts else f"QE-{anchor}" if month_ends else pd.DateOffset(months=3)]
    elif 360 <= days <= 370:
        options = [f"YS-{anchor}" if month_starts else f"YE-{anchor}" if month_ends else pd.DateOffset(years=1)]
    else:
        options = [pd.Timedelta(days=days)]
    for option in options:
        offset = pd.tseries.frequencies.to_offset(option) if isinstance(option, (str, pd.Timedelta)) else option
        try:
            grid = pd.date_range(index[0], index[-1], freq=offset)
        except (ValueError, OverflowError):
            continue
        if len(grid) <= 100 * len(index) and index.isin(grid).all():
            return offset
    return None


def _median_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    return pd.Series(index).diff().median()


def _offset_days(offset, anchor: pd.Timestamp) -> float:
    try:
        return ((anchor + offset) - anchor) / pd.Timedelta(days=1)
    except (TypeError, ValueError, OverflowError):
        return 30.0


def _unit_for_days(days: float) -> tuple[str, int]:
    nearest = min(_UNITS, key=lambda d: abs(math.log(max(days, 1e-9) / d)))
    if abs(math.log(max(days, 1e-9) / nearest)) > 0.25:
        return "period", 1
    return _UNITS[nearest]


def _regular_periods(values: pd.Series, notes: list[str]):
    values = _deduplicate(values, notes)
    index = values.index
    grid = pd.period_range(index[0], index[-1], freq=index.freq)
    values = values.reindex(grid)
    last = grid[-1]
    days = (last + 1).start_time - last.start_time
    unit, m = _unit_for_days(days / pd.Timedelta(days=1))
    return values, lambda k: pd.period_range(last + 1, periods=k, freq=index.freq), unit, m


def _regular_integers(values: pd.Series, notes: list[str]):
    values = _deduplicate(values, notes)
    index = values.index.to_numpy(dtype=np.int64)
    step = int(np.gcd.reduce(np.diff(index))) if len(index) > 1 else 1
    step = max(step, 1)
    grid = pd.RangeIndex(int(index[0]), int(index[-1]) + step, step) if len(index) else pd.RangeIndex(0)
    values = values.reindex(grid)
    last = int(index[-1]) if len(index) else -1
    return values, lambda k: pd.RangeIndex(last + step, last + step * (k + 1), step), "period", 1


def _plural(unit: str, count: int) -> str:
    return unit if count == 1 else unit + "s"


# ---------------------------------------------------------------------------------------
# A training window: the values, and the seasonal adjustment the non-seasonal models use


@dataclass(frozen=True)
class _Window:
    """Training values plus what every candidate needs to know about them.

    When the series is seasonal (a 90% autocorrelation test at the seasonal lag, as in the
    M3 Theta method), the non-seasonal models run on data adjusted by classical
    decomposition and the seasonal pattern is put back on their forecasts.
    """

    y: np.ndarray
    m: int
    seasonal: bool
    multiplicative: bool
    adjusted: np.ndarray
    indices: np.ndarray  # seasonal index of the next m periods (position n + k uses indices[k % m])

    @classmethod
    def of(cls, y: np.ndarray, m: int) -> _Window:
        if m <= 1 or len(y) < 2 * m or np.ptp(y) == 0:
            return cls(y, m, False, False, y, np.zeros(0))
        tested = _seasonal_test(y, m)
        strength = 1.0 if tested else {"test": 0.0, "always": 1.0, "shrink": _WEAK_SEASON}[_SEASONAL_POLICY]
        if strength == 0:
            return cls(y, m, False, False, y, np.zeros(0))
        from statsmodels.tsa.seasonal import seasonal_decompose

        multiplicative = bool(np.all(y > 0))
        pattern = np.asarray(seasonal_decompose(y, period=m, model="mul" if multiplicative else "add").seasonal)
        pattern = 1 + strength * (pattern - 1) if multiplicative else strength * pattern
        adjusted = y / pattern if multiplicative else y - pattern
        return cls(y, m, True, multiplicative, adjusted, pattern[len(y) - m :])

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


def _seasonal_test(y: np.ndarray, m: int) -> bool:
    """The 90% autocorrelation test at lag m used by the M3/M4 Theta benchmarks (needs 3 seasons)."""
    if m <= 1 or len(y) < 3 * m or np.ptp(y) == 0:
        return False
    from statsmodels.tsa.stattools import acf

    r = acf(y, nlags=m, fft=False)
    limit = stats.norm.ppf(0.95) * math.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(y))
    return bool(abs(r[m]) > limit)


# ---------------------------------------------------------------------------------------
# Candidate models: each turns a window into point forecasts and its own h-step spread


@dataclass(frozen=True)
class _Fit:
    mean: np.ndarray
    sd: np.ndarray  # the model's own h-step standard deviation, before backtest calibration
    label: str
    option: object = None  # what a replay should reuse (the ARIMA order chosen on the full series)
    resid: np.ndarray | None = None  # one-step in-sample errors, where the model gives them


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
    if not window.seasonal:
        return ""
    kind = "multiplicative" if window.multiplicative else "additive"
    return f" on seasonally adjusted data ({kind} classical decomposition)"


def _rms(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0


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


def _exponential_smoothing(window: _Window, h: int, trend: bool, damped: bool) -> _Fit:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    a = window.adjusted
    bounds = _TREND_BOUNDS if damped else _TREND_BOUNDS_UNDAMPED if trend else None
    result = ExponentialSmoothing(
        a, trend="add" if trend else None, damped_trend=damped, bounds=bounds
    ).fit(use_brute=False)
    mean = np.asarray(result.forecast(h), dtype=float)
    params = result.params
    alpha = float(params["smoothing_level"])
    beta = float(params.get("smoothing_trend", 0.0) or 0.0) if trend else 0.0
    phi = float(params.get("damping_trend", 1.0) or 1.0) if damped else 1.0
    sigma = math.sqrt(max(float(result.sse), 0.0) / len(a))
    sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, alpha * beta, phi))
    mean, sd = window.reseason(mean, sd)
    if not np.all(np.isfinite(mean)):
        raise FloatingPointError("exponential smoothing diverged")
    label = (
        "ETS(A,Ad,N) — damped trend"
        if damped
        else "ETS(A,A,N) — Holt's linear trend"
        if trend
        else "ETS(A,N,N) — simple exponential smoothing"
    )
    return _Fit(mean, sd, label + _adjusted_suffix(window), resid=np.asarray(result.resid, dtype=float))


# A slowly updated trend that fades (phi in [0.8, 0.98], as in Hyndman et al. 2008) does not
# chase the last few periods: on M3 it cut the damped trend's sMAPE from 9.7 to 9.1 (quarterly).
_TREND_BOUNDS = {"smoothing_trend": (1e-4, 0.1), "damping_trend": (0.8, 0.98)}
_TREND_BOUNDS_UNDAMPED = {"smoothing_trend": (1e-4, 0.1)}


def _ets_variance_multipliers(
    h: int, alpha: float, beta: float, phi: float, gamma: float = 0.0, m: int = 1
) -> np.ndarray:
    """1 + sum of squared c_j for j < h: the h-step variance of a linear ETS model, in sigma^2.

    Hyndman et al. (2008), Forecasting with Exponential Smoothing, table 6.1 (class 1).
    """
    j = np.arange(1, h)
    damp = np.array([np.sum(phi ** np.arange(1, k + 1)) for k in j]) if phi != 1.0 else j.astype(float)
    c = alpha + beta * damp + (gamma * (j % m == 0) if m > 1 else 0.0)
    return 1.0 + np.concatenate([[0.0], np.cumsum(c**2)])


def _fit_ses(window: _Window, h: int) -> _Fit:
    return _exponential_smoothing(window, h, trend=False, damped=False)


def _fit_holt(window: _Window, h: int) -> _Fit:
    return _exponential_smoothing(window, h, trend=True, damped=False)


def _fit_damped(window: _Window, h: int) -> _Fit:
    return _exponential_smoothing(window, h, trend=True, damped=True)


def _fit_holt_winters(window: _Window, h: int) -> _Fit:
    """Damped Holt-Winters on the raw data; multiplicative seasonality only for positive data."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y, m = window.y, window.m
    best = None
    for kind in ("mul", "add") if window.positive else ("add",):
        result = ExponentialSmoothing(
            y,
            trend="add",
            damped_trend=True,
            seasonal=kind,
            seasonal_periods=m,
            initialization_method="heuristic",
            bounds=_TREND_BOUNDS,
        ).fit(use_brute=False)
        mean = np.asarray(result.forecast(h), dtype=float)
        if np.all(np.isfinite(mean)) and (best is None or result.aicc < best[0].aicc):
            best = (result, kind, mean)
    if best is None:
        raise FloatingPointError("Holt-Winters diverged")
    result, kind, mean = best
    params = result.params
    alpha = float(params["smoothing_level"])
    beta = alpha * float(params.get("smoothing_trend", 0.0) or 0.0)
    phi = float(params.get("damping_trend", 1.0) or 1.0)
    gamma = (1 - alpha) * float(params.get("smoothing_seasonal", 0.0) or 0.0)
    sigma = math.sqrt(max(float(result.sse), 0.0) / len(y))
    if kind == "mul":  # errors are proportional to the seasonal level: scale by the season's index
        level_now = float(np.mean(y[-m:]))
        sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, beta, phi, gamma, m)) * np.maximum(mean, 0) / max(level_now, 1e-12)
        label = "ETS(A,Ad,M) — damped trend, multiplicative seasonality (Holt-Winters)"
    else:
        sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, beta, phi, gamma, m))
        label = "ETS(A,Ad,A) — damped trend, additive seasonality (Holt-Winters)"
    return _Fit(mean, sd, label)


def _fit_theta(window: _Window, h: int) -> _Fit:
    """The M3 winner: SES plus half the linear trend (Hyndman & Billah 2003), on adjusted data."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    a = window.adjusted
    result = ThetaModel(a, deseasonalize=False).fit()
    mean = np.asarray(result.forecast(h), dtype=float)
    alpha = float(np.clip(result.params.iloc[1], 1e-6, 1.0))
    level = np.empty_like(a)
    level[0] = a[0]
    for t in range(1, len(a)):  # one-step SES errors give the scale of the spread
        level[t] = alpha * a[t] + (1 - alpha) * level[t - 1]
    sigma = _rms(a[1:] - level[:-1] - result.params.iloc[0] / 2)
    sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, 0.0, 1.0))
    mean, sd = window.reseason(mean, sd)
    return _Fit(mean, sd, "Theta method (SES with half the linear trend)" + _adjusted_suffix(window))


_ARMA_ORDERS = ((0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (0, 2))


def _fit_arima(window: _Window, h: int, order: tuple[int, int, int] | None = None) -> _Fit:
    """ARIMA(p,d,q) on adjusted data, with drift when differenced (d=1) and a mean otherwise.

    d comes from a KPSS test; (p, q) from six small orders by AICc, each scored with fast
    Hannan-Rissanen estimates so that only the winner is fitted by maximum likelihood.
    Replays reuse the order chosen on the whole series (`order`).
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.arima.model import ARIMA

    a = window.adjusted
    d = order[1] if order else _differences(a)
    changes = np.diff(a) if d else a
    centre = float(np.mean(changes))  # the drift (d=1) or the mean (d=0)
    z = changes - centre
    if order:
        p, q = order[0], order[2]
    else:
        scored = []
        for p, q in _ARMA_ORDERS:
            k = p + q + 2  # ARMA terms, centre and variance
            if len(z) - k - 1 <= 2:
                continue
            try:
                quick = ARIMA(z, order=(p, 0, q), trend="n").fit(method="hannan_rissanen")
            except (ValueError, np.linalg.LinAlgError):
                continue
            aicc = quick.aic + 2 + 2 * k * (k + 1) / (len(z) - k - 1)
            if np.isfinite(aicc):
                scored.append((aicc, p, q))
        if not scored:
            raise ValueError("no ARIMA order could be scored")
        _, p, q = min(scored)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ARIMA(z, order=(p, 0, q), trend="n").fit()
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        raise FloatingPointError("ARIMA likelihood did not converge")
    mean = centre + np.asarray(result.forecast(h), dtype=float)
    psi = np.asarray(result.impulse_responses(steps=h - 1), dtype=float).reshape(-1)[:h]
    if d:  # forecast changes, then add them up from the last level
        mean, psi = a[-1] + np.cumsum(mean), np.cumsum(psi)
    sigma2 = float(np.asarray(result.params)[-1])
    sd = math.sqrt(max(sigma2, 0.0)) * np.sqrt(np.cumsum(psi**2))
    mean, sd = window.reseason(mean, sd)
    drift = "with drift" if d else "with mean"
    return _Fit(mean, sd, f"ARIMA({p},{d},{q}) {drift}" + _adjusted_suffix(window), option=(p, d, q))


def _differences(a: np.ndarray) -> int:
    """1 when a KPSS test (5%) rejects a stable level, or the series is too short to tell."""
    from statsmodels.tsa.stattools import kpss

    if len(a) < 12:
        return 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KPSS warns when its p-value is off the table's ends
        pvalue = kpss(a, regression="c", nlags="auto")[1]
    return int(pvalue < 0.05)


_MODELS: dict[str, _Model] = {
    model.name: model
    for model in (
        _Model("naive", _fit_naive, lambda m: 1),
        _Model("seasonal_naive", _fit_seasonal_naive, lambda m: m, seasonal_only=True),
        _Model("drift", _fit_drift, lambda m: 3),
        _Model("ses", _fit_ses, lambda m: 4),
        _Model("holt", _fit_holt, lambda m: 6),
        _Model("damped", _fit_damped, lambda m: 8),
        _Model("holt_winters", _fit_holt_winters, lambda m: 2 * m + 2 if m <= _MAX_HW_SEASON else 10**9, seasonal_only=True),
        _Model("theta", _fit_theta, lambda m: 4),
        _Model("arima", _fit_arima, lambda m: 12),
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
    "combination": "the combination",
}


# ---------------------------------------------------------------------------------------
# Rolling-origin backtest: replay the last few forecast windows as if they were the future


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
    """Training lengths for the replays: the latest `_BACKTEST_ORIGINS`, half a horizon apart."""
    min_train = m + 2 if m > 1 else 6
    horizon = min(h, n - min_train)
    if horizon < 1:
        return (), 0
    step = max(1, math.ceil(horizon / 2))
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


# ---------------------------------------------------------------------------------------
# Choosing, combining and calibrating

_BASE = tuple(name for name in CANDIDATES if name != "combination")
_FALLBACK = {  # the simpler model to use when one cannot be fitted
    "holt_winters": "damped",
    "arima": "damped",
    "damped": "ses",
    "holt": "ses",
    "theta": "ses",
    "drift": "naive",
    "ses": "naive",
    "seasonal_naive": "naive",
}


@dataclass(frozen=True)
class _Choice:
    members: tuple[str, ...]
    fits: tuple[_Fit, ...]  # final fits on the whole series
    method: str  # the candidate name reported to the user
    fallback: str = ""  # why a simpler model stands in, in words

    @property
    def mean(self) -> np.ndarray:
        return np.mean([fit.mean for fit in self.fits], axis=0)

    @property
    def sd(self) -> np.ndarray:
        # Members' errors are highly correlated, so the spread of the mean is close to their mean spread.
        return np.mean([fit.sd for fit in self.fits], axis=0)


def _score(errors: dict[str, float], positive: bool) -> float:
    """Selection error: sMAPE for positive series (the M3 yardstick), MASE when zeros make it unstable."""
    value = errors["smape"] if positive else errors["mase"]
    return value if np.isfinite(value) else np.inf


def _rank(backtest: _Backtest, positive: bool) -> list[tuple[str, dict[str, float]]]:
    rows = [(name, _errors(backtest, [f.mean for f in fits])) for name, fits in backtest.fits.items()]
    return sorted(rows, key=lambda row: (_score(row[1], positive), _BASE.index(row[0])))


def _member_backtest(backtest: _Backtest, members: Sequence[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    means = [np.mean([backtest.fits[name][i].mean for name in members], axis=0) for i in range(len(backtest.origins))]
    sds = [np.mean([backtest.fits[name][i].sd for name in members], axis=0) for i in range(len(backtest.origins))]
    return means, sds


def _calibrate(
    backtest: _Backtest, members: Sequence[str], level: float
) -> tuple[float, float]:
    """How many model standard deviations the band needs, and its honest backtest coverage.

    Model-based intervals are usually too narrow out of sample (M3, M4), so the multiplier
    is the normal quantile blended with the quantile of the backtest's standardised
    errors, never below the normal one. Coverage is leave-one-origin-out: each replay is
    judged by a band calibrated on the other replays only.
    """
    normal = float(stats.norm.ppf(0.5 + level / 2))
    if not backtest.origins or any(name not in backtest.fits for name in members):
        return normal, float("nan")
    means, sds = _member_backtest(backtest, members)
    scaled = []
    for actual, mean, sd in zip(backtest.actuals, means, sds):
        floor = 1e-9 * (np.max(np.abs(actual)) + 1.0)
        scaled.append(np.abs(actual - mean) / np.maximum(sd, floor))

    def multiplier(parts: list[np.ndarray]) -> float:
        if not parts:
            return normal
        pooled = np.concatenate(parts)
        empirical = float(np.quantile(pooled, level))
        weight = len(parts) / (len(parts) + _CALIBRATION_PRIOR)
        return float(np.clip(weight * empirical + (1 - weight) * normal, normal, 4 * normal))

    k = multiplier(scaled)
    inside = [part <= multiplier(scaled[:i] + scaled[i + 1 :]) for i, part in enumerate(scaled)]
    return k, float(np.mean(np.concatenate(inside)))


_CALIBRATION_PRIOR = 2.0  # pseudo-replays of trust in the model's own spread


def _final_fits(window: _Window, members: Sequence[str], h: int, ready: dict[str, _Fit]) -> tuple[list[str], list[_Fit], list[str]]:
    """Fit the chosen members on the whole series; drop (and name) any that fail there."""
    kept, fits, dropped = [], [], []
    for name in members:
        try:
            fits.append(ready[name] if name in ready else _safe_fit(name, window, h))
            kept.append(name)
        except _FitFailed as failure:
            dropped.append(str(failure))
    return kept, fits, dropped


def _fit_with_fallback(window: _Window, name: str, h: int, ready: dict[str, _Fit]) -> tuple[str, _Fit, str]:
    """Fit `name`, stepping down to simpler models until one works; say why in words."""
    reasons = []
    while True:
        try:
            fit = ready[name] if name in ready else _safe_fit(name, window, h)
            return name, fit, "; ".join(reasons)
        except _FitFailed as failure:
            if name == "naive":
                raise
            reasons.append(str(failure))
            name = _FALLBACK.get(name, "naive")


def _forecast(y: pd.Series, horizon: int, season_length: int | None, level: float, method: str) -> Forecast:
    prepared = _prepare(y, season_length)
    values, m = prepared.values, prepared.season_length
    steps = horizon + prepared.trailing_missing  # forecast across trailing holes, show only the future
    window = _Window.of(values, m)
    if np.ptp(values) == 0:
        return _constant_forecast(prepared, horizon, steps, level)

    ready: dict[str, _Fit] = {}  # full-series fits made before the backtest, reused at the end
    if method == "auto" or method == "combination":
        names = [name for name in _BASE if _MODELS[name].usable(window)]
        if "arima" in names and not _arima_has_a_chance(window, steps, ready):
            names.remove("arima")
    else:
        names = [method] if _MODELS[method].usable(window) else []
        if method == "arima" and names:
            try:
                ready["arima"] = _safe_fit("arima", window, steps)
            except _FitFailed:
                names = []
    orders = {name: fit.option for name, fit in ready.items() if fit.option is not None}
    backtest = _run_backtest(values, m, steps, names, orders)
    ranking = _rank(backtest, window.positive)

    fallback = ""
    if method in ("auto", "combination") and len(ranking) >= 2:
        members = [name for name, _ in ranking[:_COMBINE_TOP]]
        kept, fits, dropped = _final_fits(window, members, steps, ready)
        fallback = "; ".join(dropped)
        if len(kept) >= 2:
            choice = _Choice(tuple(kept), tuple(fits), "combination", fallback)
        elif kept:
            choice = _Choice(tuple(kept), tuple(fits), kept[0], fallback)
        else:
            name, fit, why = _fit_with_fallback(window, "naive", steps, ready)
            choice = _Choice((name,), (fit,), name, "; ".join(filter(None, [fallback, why])))
    elif method in ("auto", "combination"):
        start = ranking[0][0] if ranking else ("seasonal_naive" if m > 1 and window.n >= m else "naive")
        name, fit, why = _fit_with_fallback(window, start, steps, ready)
        if not ranking:
            why = "; ".join(filter(None, ["series too short to compare models", why]))
        choice = _Choice((name,), (fit,), name, why)
    else:
        name, fit, why = _fit_with_fallback(window, method, steps, ready)
        choice = _Choice((name,), (fit,), name, why)

    k, coverage = _calibrate(backtest, choice.members, level)
    mean, sd = choice.mean, choice.sd
    lower, upper = mean - k * sd, mean + k * sd
    if window.nonnegative:  # units and revenue cannot go below zero, nor can their bands
        mean, lower, upper = (np.maximum(a, 0.0) for a in (mean, lower, upper))
    index = prepared.future(horizon)
    cut = slice(prepared.trailing_missing, None)
    table = _backtest_table(ranking, choice, backtest, window.positive)
    model = _describe(choice, window, prepared.notes)
    return Forecast(
        mean=pd.Series(mean[cut], index=index, name=prepared.name),
        lower=pd.Series(lower[cut], index=index, name=prepared.name),
        upper=pd.Series(upper[cut], index=index, name=prepared.name),
        model=model,
        method=choice.method,
        level=level,
        season_length=m,
        backtest=table,
        coverage=coverage,
        backtest_origins=len(backtest.origins),
        backtest_horizon=backtest.horizon,
        summary=_summary(choice, table, coverage, level, backtest, prepared.unit, len(ranking), method == "auto"),
        notes=prepared.notes,
    )


def _arima_has_a_chance(window: _Window, h: int, ready: dict[str, _Fit]) -> bool:
    """Fit the slow ARIMA search only when the cheap models leave structure behind.

    Exponential smoothing already spans the ARIMA models without autoregression
    (SES is ARIMA(0,1,1), damped trend ARIMA(1,1,2)); a search can only add something
    when their residuals are still autocorrelated (Ljung-Box, 5%). The search itself
    is pruned by AICc, and the backtest refits only the order it picked.
    """
    if window.n < _ARIMA_MIN_SIZE:
        return False
    try:
        damped = _safe_fit("damped", window, h)
    except _FitFailed:
        return False
    ready["damped"] = damped
    if damped.resid is None or not _autocorrelated(damped.resid, window.m):
        return False
    try:
        ready["arima"] = _safe_fit("arima", window, h)
    except _FitFailed:
        return False
    return True


_ARIMA_MIN_SIZE = 20


def _autocorrelated(resid: np.ndarray, m: int) -> bool:
    from statsmodels.stats.diagnostic import acorr_ljungbox

    resid = resid[np.isfinite(resid)]
    lags = max(2, min(10 if m <= 1 else 2 * m, len(resid) // 5))
    if len(resid) < 10 or np.ptp(resid) == 0:
        return False
    pvalue = float(acorr_ljungbox(resid, lags=[lags], model_df=0)["lb_pvalue"].iloc[0])
    return pvalue < 0.05


def _constant_forecast(prepared: _Prepared, horizon: int, steps: int, level: float) -> Forecast:
    """A constant series forecasts itself, with no spread: there is nothing to be unsure about."""
    value = float(prepared.values[-1])
    index = prepared.future(horizon)
    series = pd.Series(np.full(horizon, value), index=index, name=prepared.name)
    notes = "; ".join(prepared.notes)
    return Forecast(
        mean=series,
        lower=series.copy(),
        upper=series.copy(),
        model="Naive (the series is constant, so is the forecast)" + (f"; {notes}" if notes else ""),
        method="naive",
        level=level,
        season_length=prepared.season_length,
        backtest=_empty_table(),
        coverage=float("nan"),
        backtest_origins=0,
        backtest_horizon=0,
        summary=(
            f"Every past value is {value:,.6g}, so the forecast repeats it; "
            "there is no variation from which to estimate a range."
        ),
        notes=prepared.notes,
    )


def _empty_table() -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "model": pd.Series(dtype=str),
            "mape": pd.Series(dtype=float),
            "smape": pd.Series(dtype=float),
            "mase": pd.Series(dtype=float),
            "chosen": pd.Series(dtype=bool),
        }
    )
    table.index.name = "candidate"
    return table


def _backtest_table(
    ranking: list[tuple[str, dict[str, float]]], choice: _Choice, backtest: _Backtest, positive: bool
) -> pd.DataFrame:
    """Backtest errors per candidate (best first), the combination on top when it was chosen."""
    if not ranking:
        return _empty_table()
    rows = {}
    if choice.method == "combination" and all(name in backtest.fits for name in choice.members):
        means, _ = _member_backtest(backtest, choice.members)
        rows["combination"] = {"model": _combination_label(choice), **_errors(backtest, means), "chosen": True}
    for name, errors in ranking:
        label = _short_label(backtest.fits[name][0].label)
        rows[name] = {"model": label, **errors, "chosen": name in choice.members}
    table = pd.DataFrame.from_dict(rows, orient="index")[["model", "mape", "smape", "mase", "chosen"]]
    table.index.name = "candidate"
    return table


def _short_label(label: str) -> str:
    return label.split(" on seasonally adjusted data")[0]


def _combination_label(choice: _Choice) -> str:
    labels = [_short_label(fit.label).split(" — ")[0] for fit in choice.fits]
    listed = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"Combination (mean) of {listed}"


def _describe(choice: _Choice, window: _Window, notes: Sequence[str]) -> str:
    """The `model` text: what was fitted, how seasonality was handled, and every repair."""
    if choice.method == "combination":
        text = _combination_label(choice)
    else:
        text = _short_label(choice.fits[0].label)
    adjusted = [fit.label != _short_label(fit.label) for fit in choice.fits]
    if any(adjusted):
        kind = "multiplicative" if window.multiplicative else "additive"
        where = f"seasonally adjusted data ({kind} classical decomposition)"
        text += f", on {where}" if all(adjusted) else f"; the non-seasonal ones on {where}"
    if choice.fallback:
        text += f" (fallback: {choice.fallback})"
    if notes:
        text += "; " + "; ".join(notes)
    return text


_PER_YEAR = {"week": 52, "month": 12, "quarter": 4, "year": 1}


def _span_words(periods: int, unit: str) -> str:
    per_year = _PER_YEAR.get(unit)
    if per_year and per_year > 1 and periods >= per_year and periods % per_year == 0:
        years = periods // per_year
        return "the last year" if years == 1 else f"the last {years} years"
    return f"the last {periods} {_plural(unit, periods)}"


def _summary(
    choice: _Choice,
    table: pd.DataFrame,
    coverage: float,
    level: float,
    backtest: _Backtest,
    unit: str,
    compared: int,
    auto: bool,
) -> str:
    """Two sentences an executive can follow: how wrong it has been, how often the band held."""
    who = "This combination of models" if choice.method == "combination" else "This model"
    band = f"{level:.0%} band"
    if choice.method not in table.index:
        reason = f" ({choice.fallback})" if choice.fallback else ""
        return (
            f"Too little history to test models against the past{reason}, so this is a simple "
            f"{_SHORT_NAMES[choice.method]} forecast; treat the {band} as a rough guide."
        )
    row = table.loc[choice.method]
    span = _span_words(backtest.span, unit)
    if np.isfinite(row["mape"]):
        miss = f"missed by {row['mape']:.0f}% on average"
    elif np.isfinite(row["smape"]):
        miss = f"missed by {row['smape'] / 2:.0f}% on average (relative to the size of actuals and forecasts)"
    else:
        miss = f"made errors {row['mase']:.1f} times the typical period-to-period change"
    replays = backtest.origins and len(backtest.origins)
    how = f"replaying {replays} forecast{'s' if replays != 1 else ''} of {backtest.horizon} {_plural(unit, backtest.horizon)}"
    picked = f" It was picked from {compared} models by that test." if compared > 1 and auto else ""
    text = f"{who} {miss} over {span} ({how}).{picked}"
    if np.isfinite(coverage):
        text += f" {coverage:.0%} of past outcomes fell inside the {band}."
    else:
        text += f" The {band} comes from the model alone; it has not been checked against the past."
    return text
