"""One forecast call for every page: what would have forecast this series best.

Product managers need a forecast they can trust without tuning it. So the engine fits a
handful of well-known models (naive and seasonal naive, drift, exponential smoothing,
Holt-Winters, Theta, a small ARIMA search), replays the last few forecast windows as if
they were the future (a rolling-origin backtest), and averages the models that came close
to the best there: on a few replays the single winner is partly luck, and the mean of good
models is rarely far from the best of them (as the M3 and M4 competitions found). On M3
this beats the competition's winner, Theta, on yearly, quarterly and "other" series
(`python -m bench.forecast_m3`).

The band is the models' own h-step spread plus how much the plausible models disagree,
stretched to what the backtest errors say; the backtest also reports how often past
outcomes fell inside it. Everything here is pure pandas/numpy/statsmodels, so a notebook
or a batch job can use it; results are cached per (series, settings).
"""

from __future__ import annotations

import hashlib
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["CANDIDATES", "ON_REQUEST", "Forecast", "available_methods", "clear_cache", "forecast"]

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

_SEASONAL_Z = 1.645  # the 90% seasonality test of the M3 Theta method
_WEAK_Z = 1.0  # below the test but over one standard error of seasonal autocorrelation: half a pattern
_WEAK_SEASON = 0.5  # share of the seasonal pattern removed when the seasonality test is inconclusive
_RECENT_SEASONS = 6  # seasonal indices average the last six seasons: patterns drift over the years
_BACKTEST_ORIGINS = 3  # few origins keep a monthly forecast well under a quarter second
_CLOSE_TO_BEST = 1.4  # average every candidate whose backtest error is at most 1.4 times the best
_PLAUSIBLE = 3.0  # candidates within 3 times the best error count as plausible: their disagreement widens the band
_CALIBRATION_PRIOR = 1.0  # pseudo-replays of trust in the models' own spread when calibrating the band
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
    # One fit at a time: warning filters are process-wide, so concurrent `catch_warnings`
    # blocks (Streamlit sessions run in threads) could leave them changed. Fitting is
    # GIL-bound anyway, and a session waiting here may find its result cached.
    with _FIT_LOCK:
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
    with _FIT_LOCK, warnings.catch_warnings(), np.errstate(all="ignore"):
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
_FIT_LOCK = threading.Lock()


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
    if not values.notna().any():
        raise ValueError("y has no numeric values to forecast from")
    index = y.index
    if index.dtype == object and len(index) and pd.api.types.infer_dtype(index, skipna=True) in ("datetime", "date"):
        index = pd.DatetimeIndex(index)  # dates stored as Python objects
        values.index = index
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
    first, last = int(np.argmax(observed)), len(observed) - int(np.argmax(observed[::-1])) - 1
    if first > 0:
        notes.append(f"{first} leading {_plural(unit, first)} without data ignored")
    trailing = len(observed) - 1 - last
    if trailing > 0:
        gap = f"the last {unit} has" if trailing == 1 else f"the last {trailing} {_plural(unit, trailing)} have"
        notes.append(f"{gap} no data; the forecast starts after the last value")
    series = series.iloc[first : last + 1]
    holes = int(series.isna().sum())
    if holes:
        series = series.interpolate(method="linear")
        notes.append(f"{holes} missing {_plural(unit, holes)} filled by linear interpolation")
    m = max(1, int(season_length) if season_length is not None else default_m)
    values, outliers = _replace_outliers(series.to_numpy(dtype=float), m)
    if len(outliers):
        when = ", ".join(str(label)[:10] for label in series.index[outliers])
        values_word = _plural("value", len(outliers))
        notes.append(f"{len(outliers)} extreme {values_word} ({when}) replaced by the expected value")
    return _Prepared(
        values=values,
        season_length=m,
        future=future,
        trailing_missing=trailing,
        unit=unit,
        name=y.name,
        notes=tuple(notes),
    )


def _replace_outliers(values: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Replace gross outliers (6 robust standard deviations and half the level off a robust fit).

    A one-off spike (a data error, a one-time deal) would otherwise pull every model's
    level and inflate its band. The robust fit is a running median of five periods, after
    removing a seasonal pattern of medians when there are two seasons or more. The latest
    value is left alone (it may start something new), and if more than 5% of values look
    extreme they are the data, not outliers.
    """
    n = len(values)
    if n < 8:
        return values, np.zeros(0, dtype=int)
    multiplicative = bool(np.all(values > 0))
    pattern = np.ones(n) if multiplicative else np.zeros(n)
    if 1 < m and 2 * m <= n:
        level = pd.Series(values).rolling(m, center=True, min_periods=m // 2 + 1).median().to_numpy()
        detrended = values / level if multiplicative else values - level
        pattern = np.array([np.nanmedian(detrended[k::m]) for k in range(m)])[np.arange(n) % m]
    adjusted = values / pattern if multiplicative else values - pattern
    smooth = pd.Series(adjusted).rolling(5, center=True, min_periods=3).median().to_numpy()
    expected = smooth * pattern if multiplicative else smooth + pattern
    residual = values - expected
    scale = 1.4826 * np.median(np.abs(residual - np.median(residual)))
    typical = np.abs(expected) if multiplicative else np.full(n, np.median(np.abs(values)))
    extreme = (np.abs(residual) > 6 * scale) & (np.abs(residual) > 0.5 * typical)  # rare *and* material
    flagged = np.flatnonzero(extreme) if scale > 0 else np.zeros(0, dtype=int)
    flagged = flagged[flagged < n - 1]
    if len(flagged) == 0 or len(flagged) > max(1, 0.05 * n):
        return values, np.zeros(0, dtype=int)
    cleaned = values.copy()
    cleaned[flagged] = expected[flagged]
    return cleaned, flagged


def _deduplicate(values: pd.Series, notes: list[str]) -> pd.Series:
    values = values.sort_index()
    if values.index.has_duplicates:
        duplicated = int(values.index.duplicated().sum())
        notes.append(f"{duplicated} repeated {_plural('date', duplicated)} averaged")
        values = values.groupby(level=0).mean()
    return values


_Regular = tuple[pd.Series, Callable[[int], pd.Index], str, int]  # values on a grid, future labels, unit, season


def _regular_dates(values: pd.Series, notes: list[str]) -> _Regular:
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
        def future(k: int) -> pd.DatetimeIndex:
            return pd.DatetimeIndex([last + step * i for i in range(1, k + 1)])

        return values.reset_index(drop=True), future, unit, m
    grid = pd.date_range(index[0], index[-1], freq=offset)
    values = values.reindex(grid)  # missing periods become NaN, filled (and noted) by the caller
    last = grid[-1]
    unit, m = _unit_for_days(_offset_days(offset, last))
    if len(index) == 1 and freq is None:
        notes.append(f"a single date gives no spacing; periods one {unit} apart assumed")

    def future(k: int) -> pd.DatetimeIndex:
        return pd.date_range(last, periods=k + 1, freq=offset)[1:]

    return values, future, unit, m


def _infer_offset(index: pd.DatetimeIndex):
    """The calendar frequency whose grid contains every date, or None."""
    if len(index) >= 3:
        inferred = pd.infer_freq(index)
        if inferred is not None:
            return pd.tseries.frequencies.to_offset(inferred)
    if len(index) < 2:
        first = index[0]
        if first.day == 1:
            return pd.offsets.MonthBegin()
        return pd.offsets.MonthEnd() if first.is_month_end else pd.DateOffset(months=1)
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


def _regular_periods(values: pd.Series, notes: list[str]) -> _Regular:
    values = _deduplicate(values, notes)
    index = values.index
    grid = pd.period_range(index[0], index[-1], freq=index.freq)
    values = values.reindex(grid)
    last = grid[-1]
    days = (last + 1).start_time - last.start_time
    unit, m = _unit_for_days(days / pd.Timedelta(days=1))
    def future(k: int) -> pd.PeriodIndex:
        return pd.period_range(last + 1, periods=k, freq=index.freq)

    return values, future, unit, m


def _regular_integers(values: pd.Series, notes: list[str]) -> _Regular:
    """Integer labels: the common step between them; missing labels become holes to fill."""
    values = _deduplicate(values, notes)
    index = values.index.to_numpy(dtype=np.int64)
    step = max(int(np.gcd.reduce(np.diff(index))), 1) if len(index) > 1 else 1
    last = int(index[-1])
    if (last - int(index[0])) // step + 1 > 100 * len(index):  # no common step worth a grid
        step = max(int(np.median(np.diff(index))), 1)
        notes.append("labels are irregular; treated as equally spaced")
        values = values.reset_index(drop=True)
    else:
        values = values.reindex(pd.RangeIndex(int(index[0]), last + step, step))

    def future(k: int) -> pd.RangeIndex:
        return pd.RangeIndex(last + step, last + step * (k + 1), step)

    return values, future, "period", 1


def _plural(unit: str, count: int) -> str:
    return unit if count == 1 else unit + "s"


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


def _trend_smoothing(window: _Window, h: int, damped: bool) -> _Fit:
    """Holt's linear trend or its damped form, on adjusted data (SES has its own exact fit)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    a = window.adjusted
    result = ExponentialSmoothing(
        a, trend="add", damped_trend=damped, bounds=_TREND_BOUNDS if damped else _TREND_BOUNDS_UNDAMPED
    ).fit(use_brute=False, minimize_kwargs=_FAST_FIT)
    mean = np.asarray(result.forecast(h), dtype=float)
    params = result.params
    alpha = float(params["smoothing_level"])
    beta = float(params.get("smoothing_trend", 0.0) or 0.0)
    phi = float(params.get("damping_trend", 1.0) or 1.0) if damped else 1.0
    sigma = math.sqrt(max(float(result.sse), 0.0) / len(a))
    sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, alpha * beta, phi))
    mean, sd = window.reseason(mean, sd)
    if not np.all(np.isfinite(mean)):
        raise FloatingPointError("exponential smoothing diverged")
    label = "ETS(A,Ad,N) — damped trend" if damped else "ETS(A,A,N) — Holt's linear trend"
    return _Fit(mean, sd, label + _adjusted_suffix(window))


# A slowly updated trend that fades (phi in [0.8, 0.98], as in Hyndman et al. 2008) does not
# chase the last few periods: on M3 it cut the damped trend's sMAPE from 9.7 to 9.1 (quarterly).
_TREND_BOUNDS = {"smoothing_trend": (1e-4, 0.1), "damping_trend": (0.8, 0.98)}
_TREND_BOUNDS_UNDAMPED = {"smoothing_trend": (1e-4, 0.1)}
# Sums of squares need no nine-digit precision: a looser tolerance halves the fitting time.
_FAST_FIT = {"options": {"ftol": 1e-6}}


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
    """ETS(A,N,N) with its initial level estimated, as statsmodels' default does.

    For a given smoothing weight the one-step errors are linear in the initial level,
    so the best initial level has a closed form; only the weight is searched (a grid,
    then a bounded Brent step). That finds the exact least-squares fit in a fraction of
    the time of a joint numerical optimisation, which can also stop short of it.
    """
    a = window.adjusted
    alpha, sse, level = _best_smoothing(a, _ses_fit_with_best_start)
    sigma = math.sqrt(max(sse, 0.0) / len(a))
    sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, 0.0, 1.0))
    mean, sd = window.reseason(np.full(h, level), sd)
    return _Fit(mean, sd, "ETS(A,N,N) — simple exponential smoothing" + _adjusted_suffix(window))


def _ses_fit_with_best_start(alpha: float, a: np.ndarray) -> tuple[float, float]:
    """SSE of one-step SES forecasts with the best initial level, and the final level."""
    from scipy.signal import lfilter

    from_zero = lfilter([alpha], [1.0, alpha - 1.0], a)  # levels had the start been 0
    forecasts = np.concatenate([[0.0], from_zero[:-1]])
    weight = (1.0 - alpha) ** np.arange(len(a))  # how the start level reaches each forecast
    start = float(np.dot(weight, a - forecasts) / np.dot(weight, weight))
    errors = a - forecasts - weight * start
    return float(np.dot(errors, errors)), float(from_zero[-1] + (1.0 - alpha) ** len(a) * start)


def _best_smoothing(a: np.ndarray, fit: Callable[[float, np.ndarray], tuple[float, float]]
                    ) -> tuple[float, float, float]:
    """The smoothing weight in (0, 1] with the least SSE: a grid, then Brent between its neighbours."""
    from scipy.optimize import minimize_scalar

    grid = np.linspace(0.02, 1.0, 50)
    sse = [fit(alpha, a)[0] for alpha in grid]
    best = int(np.argmin(sse))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    refined = minimize_scalar(lambda x: fit(x, a)[0], bounds=(max(low - 0.02, 1e-4) if best == 0 else low, high),
                              method="bounded", options={"xatol": 1e-5})
    alpha = float(refined.x) if refined.fun <= sse[best] else float(grid[best])
    sse_best, level = fit(alpha, a)
    return alpha, sse_best, level


def _fit_holt(window: _Window, h: int) -> _Fit:
    return _trend_smoothing(window, h, damped=False)


def _fit_damped(window: _Window, h: int) -> _Fit:
    return _trend_smoothing(window, h, damped=True)


def _fit_holt_winters(window: _Window, h: int, kind: str | None = None) -> _Fit:
    """Damped Holt-Winters on the raw data; multiplicative seasonality only for positive data.

    AICc picks additive or multiplicative seasonality on the whole series; replays reuse
    that choice (`kind`), which halves their cost.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y, m = window.y, window.m
    best = None
    forms = ("mul", "add") if window.positive else ("add",)
    if kind in forms:
        forms = (kind,)
    for form in forms:
        result = ExponentialSmoothing(
            y,
            trend="add",
            damped_trend=True,
            seasonal=form,
            seasonal_periods=m,
            initialization_method="heuristic",
            bounds=_TREND_BOUNDS,
        ).fit(use_brute=False, minimize_kwargs=_FAST_FIT)
        mean = np.asarray(result.forecast(h), dtype=float)
        if np.all(np.isfinite(mean)) and (best is None or result.aicc < best[0].aicc):
            best = (result, form, mean)
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
        spread = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, beta, phi, gamma, m))
        sd = spread * np.maximum(mean, 0) / max(level_now, 1e-12)
        label = "ETS(A,Ad,M) — damped trend, multiplicative seasonality (Holt-Winters)"
    else:
        sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, beta, phi, gamma, m))
        label = "ETS(A,Ad,A) — damped trend, additive seasonality (Holt-Winters)"
    return _Fit(mean, sd, label, option=kind)


def _fit_theta(window: _Window, h: int) -> _Fit:
    """The M3 winner: SES plus half the linear trend (Hyndman & Billah 2003), on adjusted data.

    The same two-step estimate as statsmodels' `ThetaModel` (OLS slope, then SES started
    at the first value), written out so that the smoothing weight is found by a grid and
    a bounded Brent search over vectorised SSEs: a quarter of `ThetaModel`'s time, and
    the grid guards against the local minima that a start from one point can fall into.
    """
    a = window.adjusted
    n = len(a)
    b0 = float(np.polyfit(np.arange(n, dtype=float), a, 1)[0])
    alpha, _, _ = _best_smoothing(a, lambda x, values: (_ses_sse(x, values), 0.0))
    level = _ses_levels(alpha, a)
    steps = np.arange(h, dtype=float) + 1 / alpha - (1 - alpha) ** n / alpha
    mean = level[-1] + 0.5 * b0 * steps
    sigma = _rms(a[1:] - level[:-1] - b0 / 2)  # one-step SES errors give the scale of the spread
    sd = sigma * np.sqrt(_ets_variance_multipliers(h, alpha, 0.0, 1.0))
    mean, sd = window.reseason(mean, sd)
    return _Fit(mean, sd, "Theta method (SES with half the linear trend)" + _adjusted_suffix(window))


def _ses_levels(alpha: float, a: np.ndarray) -> np.ndarray:
    """Simple exponential smoothing levels started at the first value, as one linear filter."""
    from scipy.signal import lfilter

    levels, _ = lfilter([alpha], [1.0, alpha - 1.0], a[1:], zi=[(1.0 - alpha) * a[0]])
    return np.concatenate([[a[0]], levels])


def _ses_sse(alpha: float, a: np.ndarray) -> float:
    return float(np.sum((a[1:] - _ses_levels(alpha, a)[:-1]) ** 2))


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
    min_train = m + 2 if m > 1 and n >= 2 * m else 6  # seasonal models need a season and a bit
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


@dataclass(frozen=True)
class _Choice:
    """What the forecast is made of: members averaged for the point forecast, plus the
    other plausible candidates whose disagreement with them widens the band."""

    method: str  # the candidate name reported to the user ("combination" for several)
    fits: dict[str, _Fit]  # final fits on the whole series, members first
    members: tuple[str, ...]
    fallback: str = ""  # why a simpler model stands in, in words

    @property
    def mean(self) -> np.ndarray:
        return _combine(self.fits, self.members)[0]

    @property
    def sd(self) -> np.ndarray:
        return _combine(self.fits, self.members)[1]


def _combine(fits: dict[str, _Fit], members: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the members; spread = members' own spread plus how much the plausible models disagree.

    Each model's spread assumes it is the right model; when equally plausible models
    point different ways, that disagreement is uncertainty too (it grows with the
    horizon, which is where model-based bands are most often too narrow).
    """
    mean = np.mean([fits[name].mean for name in members], axis=0)
    own = np.mean([fits[name].sd ** 2 for name in members], axis=0)
    disagreement = np.var([fit.mean for fit in fits.values()], axis=0)
    return mean, np.sqrt(own + disagreement)


def _score(errors: dict[str, float], positive: bool) -> float:
    """Selection error: sMAPE for positive series (the M3 yardstick), MASE when zeros make it unstable."""
    value = errors["smape"] if positive else errors["mase"]
    return value if np.isfinite(value) else np.inf


def _rank(backtest: _Backtest, positive: bool) -> list[tuple[str, dict[str, float]]]:
    rows = [(name, _errors(backtest, [f.mean for f in fits])) for name, fits in backtest.fits.items()]
    return sorted(rows, key=lambda row: (_score(row[1], positive), CANDIDATES.index(row[0])))


def _within(ranking: list[tuple[str, dict[str, float]]], positive: bool, factor: float) -> list[str]:
    best = _score(ranking[0][1], positive)
    return [name for name, errors in ranking if _score(errors, positive) <= factor * best + 1e-12]


def _choose(
    method: str,
    ranking: list[tuple[str, dict[str, float]]],
    window: _Window,
    h: int,
    ready: dict[str, _Fit],
    stepped_down: str = "",
) -> _Choice:
    """Pick the members, fit them (and the other plausible candidates) on the whole series.

    "auto" averages every candidate whose backtest error is within `_CLOSE_TO_BEST` of
    the best: selection on a few replays is noisy, and the mean of the near-best models
    is rarely far from the best of them (this is what beat Theta on M3). A forced
    "combination" takes at least the best two; a named model is used alone, stepping
    down to simpler ones if it cannot be fitted.
    """
    if method not in ("auto", "combination"):
        name, fit, why = _fit_with_fallback(window, method, h, ready)
        return _Choice(name, {name: fit}, (name,), "; ".join(filter(None, [stepped_down, why])))
    if not ranking:
        start = "seasonal_naive" if window.m > 1 and window.n >= 2 * window.m else "naive"
        name, fit, why = _fit_with_fallback(window, start, h, ready)
        return _Choice(name, {name: fit}, (name,), "; ".join(filter(None, ["series too short to compare models", why])))
    members = _within(ranking, window.positive, _CLOSE_TO_BEST)
    if method == "combination" and len(members) < 2:
        members = [name for name, _ in ranking[:2]]
    plausible = [name for name in _within(ranking, window.positive, _PLAUSIBLE) if name not in members]
    fits, dropped = {}, []
    for name in [*members, *plausible]:
        try:
            fits[name] = ready[name] if name in ready else _safe_fit(name, window, h)
        except _FitFailed as failure:
            if name in members:
                dropped.append(str(failure))
    kept = tuple(name for name in members if name in fits)
    if not kept:
        name, fit, why = _fit_with_fallback(window, "naive", h, ready)
        return _Choice(name, {name: fit}, (name,), "; ".join([*dropped, why]))
    return _Choice("combination" if len(kept) > 1 else kept[0], fits, kept, "; ".join(dropped))


def _member_backtest(backtest: _Backtest, choice: _Choice) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The choice's mean and spread at each replay, combined exactly as on the whole series."""
    means, sds = [], []
    for i in range(len(backtest.origins)):
        fits = {name: backtest.fits[name][i] for name in choice.fits}
        mean, sd = _combine(fits, choice.members)
        means.append(mean)
        sds.append(sd)
    return means, sds


def _calibrate(backtest: _Backtest, choice: _Choice, level: float) -> tuple[float, float]:
    """How many standard deviations the band needs, and its honest backtest coverage.

    Model-based bands are usually too narrow out of sample (M3, M4), so the multiplier
    blends the normal quantile with the quantile of the backtest's standardised errors,
    never going below the normal one. Coverage is leave-one-origin-out: each replay is
    judged by a band calibrated on the other replays only.
    """
    normal = float(stats.norm.ppf(0.5 + level / 2))
    if not backtest.origins or any(name not in backtest.fits for name in choice.fits):
        return normal, float("nan")
    means, sds = _member_backtest(backtest, choice)
    scaled = []
    for actual, mean, sd in zip(backtest.actuals, means, sds):
        floor = 1e-9 * (np.max(np.abs(actual)) + 1.0)
        scaled.append(np.abs(actual - mean) / np.maximum(sd, floor))

    def multiplier(parts: list[np.ndarray]) -> float:
        if not parts:
            return normal
        empirical = float(np.quantile(np.concatenate(parts), level))
        weight = len(parts) / (len(parts) + _CALIBRATION_PRIOR)
        return float(np.clip(weight * empirical + (1 - weight) * normal, normal, 4 * normal))

    inside = [part <= multiplier(scaled[:i] + scaled[i + 1 :]) for i, part in enumerate(scaled)]
    return multiplier(scaled), float(np.mean(np.concatenate(inside)))


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


def _forecast(y: pd.Series, horizon: int, season_length: int | None, level: float, method: str) -> Forecast:
    prepared = _prepare(y, season_length)
    values, m = prepared.values, prepared.season_length
    if np.ptp(values) == 0:
        return _constant_forecast(prepared, horizon, level)
    steps = horizon + prepared.trailing_missing  # forecast across trailing holes, show only the future
    window = _Window.of(values, m)
    ready: dict[str, _Fit] = {}  # whole-series fits made before the backtest, reused after it
    names, start, stepped_down = _candidates(window, method, steps, ready)
    orders = {name: fit.option for name, fit in ready.items() if fit.option is not None}
    backtest = _run_backtest(values, m, steps, names, orders)
    ranking = _rank(backtest, window.positive)
    choice = _choose(start, ranking, window, steps, ready, stepped_down)

    k, coverage = _calibrate(backtest, choice, level)
    mean, sd = choice.mean, choice.sd
    lower, upper = mean - k * sd, mean + k * sd
    if window.nonnegative:  # units and revenue cannot go below zero, nor can their bands
        mean, lower, upper = (np.maximum(a, 0.0) for a in (mean, lower, upper))
    future = slice(prepared.trailing_missing, None)
    index = prepared.future(horizon)
    table = _backtest_table(ranking, choice, backtest)
    return Forecast(
        mean=pd.Series(mean[future], index=index, name=prepared.name),
        lower=pd.Series(lower[future], index=index, name=prepared.name),
        upper=pd.Series(upper[future], index=index, name=prepared.name),
        model=_describe(choice, window, prepared.notes),
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


def _constant_forecast(prepared: _Prepared, horizon: int, level: float) -> Forecast:
    """A constant series (or a single value) forecasts itself with no spread: nothing varies."""
    value = float(prepared.values[-1])
    index = prepared.future(horizon)
    series = pd.Series(np.full(horizon, value), index=index, name=prepared.name)
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
    return Forecast(
        mean=series,
        lower=series.copy(),
        upper=series.copy(),
        model="; ".join([model, *prepared.notes]),
        method="naive",
        level=level,
        season_length=prepared.season_length,
        backtest=_empty_table(),
        coverage=float("nan"),
        backtest_origins=0,
        backtest_horizon=0,
        summary=summary,
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


def _backtest_table(ranking: list[tuple[str, dict[str, float]]], choice: _Choice, backtest: _Backtest) -> pd.DataFrame:
    """Backtest errors per candidate (best first), the combination on top when it was chosen."""
    if not ranking:
        return _empty_table()
    rows = {}
    if choice.method == "combination" and all(name in backtest.fits for name in choice.fits):
        means, _ = _member_backtest(backtest, choice)
        rows["combination"] = {"model": _combination_label(choice), **_errors(backtest, means), "chosen": True}
    for name, errors in ranking:
        label = _short_label(backtest.fits[name][0].label)
        rows[name] = {"model": label, **errors, "chosen": name in choice.members}
    table = pd.DataFrame.from_dict(rows, orient="index")[["model", "mape", "smape", "mase", "chosen"]]
    table.index.name = "candidate"
    return table


def _short_label(label: str) -> str:
    return label.split(" on ")[0] if " on " in label and "seasonally adjusted" in label else label


def _combination_label(choice: _Choice) -> str:
    labels = [_member_name(choice.fits[name].label) for name in choice.members]
    listed = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"Combination (mean) of {len(labels)} models: {listed}"


def _member_name(label: str) -> str:
    """"ETS(A,Ad,N) — damped trend" -> "ETS(A,Ad,N)"; "Naive (last value ...)" -> "Naive"."""
    return _short_label(label).split(" — ")[0].split(" (")[0]


def _describe(choice: _Choice, window: _Window, notes: Sequence[str]) -> str:
    """The `model` text: what was fitted, how seasonality was handled, and every repair."""
    if choice.method == "combination":
        text = _combination_label(choice)
    else:
        text = _short_label(choice.fits[choice.method].label)
    labels = [choice.fits[name].label for name in choice.members]
    adjusted = [label != _short_label(label) for label in labels]
    if any(adjusted):
        where = _adjustment_words(window)
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
    return f"the last {unit}" if periods == 1 else f"the last {periods} {_plural(unit, periods)}"


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
    """Two or three sentences an executive can follow: how wrong it has been, how often the band held."""
    band = f"{level:.0%} band"
    if choice.method not in table.index:
        reason = f" ({choice.fallback})" if choice.fallback else ""
        return (
            f"This {_SHORT_NAMES[choice.method]} forecast could not be checked against the past{reason}; "
            f"treat its {band} as a rough guide."
        )
    row = table.loc[choice.method]
    if np.isfinite(row["mape"]):
        miss = f"missed by {row['mape']:.0f}% on average"
    elif np.isfinite(row["smape"]):
        miss = f"missed by {row['smape'] / 2:.0f}% on average (relative to the size of actuals and forecasts)"
    else:
        miss = f"made errors {row['mase']:.1f} times the typical change from one {unit} to the next"
    replays = len(backtest.origins)
    forecasts = "forecast" if replays == 1 else "forecasts"
    how = f"replaying {replays} {forecasts} of {backtest.horizon} {_plural(unit, backtest.horizon)}"
    who = "This forecast" if choice.method == "combination" else "This model"
    text = f"{who} {miss} over {_span_words(backtest.span, unit)} ({how})."
    if auto and compared > 1:
        if choice.method == "combination":
            text += f" It averages the {len(choice.members)} of {compared} models that came closest in that test."
        else:
            text += f" It did best of {compared} models in that test."
    if np.isfinite(coverage):
        text += f" {coverage:.0%} of past outcomes fell inside the {band}."
    else:
        text += f" The {band} comes from the model alone; it has not been checked against the past."
    return text
