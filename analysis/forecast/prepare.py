"""Preparing a series: a regular grid without holes or gross outliers, and labels for the future."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

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

