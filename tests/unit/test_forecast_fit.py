"""One fit, every view: a shorter horizon or another level derives from the fit, never refits it.

The Market page's horizon and level controls rely on this to answer in well under a second.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from analysis.forecast import ForecastFit, clear_cache, fit_forecast, forecast
from analysis.forecast import engine


def seasonal(n: int = 72, seed: int = 1) -> pd.Series:
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 4, n)
    values = 200 + 1.5 * t + 30 * np.sin(2 * np.pi * t / 12) + noise
    return pd.Series(values, index=pd.date_range("2019-01-01", periods=n, freq="MS"), name="units")


@pytest.fixture
def fits_made(monkeypatch) -> list[int]:
    """Counts the engine's fits (each one fits and backtests every candidate)."""
    calls: list[int] = []
    real = engine._fit

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_fit", counting)
    clear_cache()
    return calls


def test_a_shorter_horizon_is_the_start_of_the_long_fit(fits_made):
    fit = fit_forecast(seasonal(), 24)
    long, short = fit.forecast(24, 0.9), fit.forecast(6, 0.9)
    for column in ("mean", "lower", "upper"):
        np.testing.assert_array_equal(short.frame[column].to_numpy(), long.frame[column].to_numpy()[:6])
    assert list(short.mean.index) == list(long.mean.index[:6])
    assert short.model == long.model and short.method == long.method
    assert len(fits_made) == 1


def test_levels_from_one_fit_give_nested_bands(fits_made):
    fit = fit_forecast(seasonal(), 24)
    bands = {level: fit.forecast(12, level) for level in (0.8, 0.9, 0.95)}
    np.testing.assert_array_equal(bands[0.8].mean.to_numpy(), bands[0.95].mean.to_numpy())
    for narrow, wide in ((0.8, 0.9), (0.9, 0.95)):
        assert (bands[wide].lower <= bands[narrow].lower).all() and (bands[narrow].upper <= bands[wide].upper).all()
        assert (bands[wide].upper - bands[wide].lower).sum() > (bands[narrow].upper - bands[narrow].lower).sum()
    assert [bands[level].level for level in bands] == [0.8, 0.9, 0.95]
    assert "80% band" in bands[0.8].summary and "95% band" in bands[0.95].summary
    assert len(fits_made) == 1


def test_forecast_at_another_level_reuses_the_cached_fit(fits_made):
    history = seasonal()
    first = forecast(history, 12, level=0.9)
    other = forecast(history, 12, level=0.8)
    assert len(fits_made) == 1
    pd.testing.assert_series_equal(first.mean, other.mean)
    pd.testing.assert_frame_equal(other.frame, fit_forecast(history, 12).forecast(12, 0.8).frame)


def test_the_fit_survives_a_round_trip_through_pickle():
    """Dashboards cache fits with st.cache_data, which pickles them."""
    fit = fit_forecast(seasonal(), 18)
    copy = pickle.loads(pickle.dumps(fit))
    assert isinstance(copy, ForecastFit) and copy.horizon == 18
    pd.testing.assert_frame_equal(copy.forecast(7, 0.95).frame, fit.forecast(7, 0.95).frame)


def test_trailing_holes_are_skipped_at_every_horizon():
    history = seasonal(60)
    history.iloc[-2:] = np.nan
    fit = fit_forecast(history, 12)
    short = fit.forecast(3, 0.9)
    assert short.mean.index[0] == history.index[-1] + pd.offsets.MonthBegin()
    np.testing.assert_array_equal(short.mean.to_numpy(), fit.forecast(12, 0.9).mean.to_numpy()[:3])


def test_a_constant_series_gives_a_flat_band_at_every_level():
    fit = fit_forecast(pd.Series([5.0] * 10), 8)
    for level in (0.8, 0.95):
        result = fit.forecast(4, level)
        assert (result.lower == 5.0).all() and (result.upper == 5.0).all()
        assert "Every past value is 5" in result.summary


@pytest.mark.parametrize("horizon", [0, 25, 2.5, True])
def test_a_horizon_beyond_the_fit_is_refused(horizon):
    with pytest.raises(ValueError, match="from 1 to 24"):
        fit_forecast(seasonal(), 24).forecast(horizon, 0.9)


@pytest.mark.parametrize("level", [0.3, 1.0, "90"])
def test_a_level_outside_the_range_is_refused(level):
    with pytest.raises(ValueError, match="level"):
        fit_forecast(seasonal(), 24).forecast(12, level)


def test_errors_that_move_together_count_once_in_the_bands_correction():
    """Plausible models missing together at a replay and step are one piece of evidence, not several."""
    from analysis.forecast.select import _Calibration, _design_effect

    rng = np.random.default_rng(5)
    horizon, models = 8, 4
    one = [np.abs(rng.normal(size=horizon)) for _ in range(3)]
    copies = [np.tile(part, models) for part in one]  # every model missed exactly as the choice did
    assert _design_effect(copies, horizon) == pytest.approx(models)
    independent = [np.abs(rng.normal(size=horizon * models)) for _ in range(3)]
    assert _design_effect(independent, horizon) < 1.5
    alone = _Calibration(tuple(one), 20, horizon)
    counted = _Calibration(tuple(copies), 20, horizon, _design_effect(copies, horizon))
    assert counted.multipliers(0.9, 4)[0] == pytest.approx(alone.multipliers(0.9, 4)[0])
