"""The forecast engine, judged by what a user would notice: sensible numbers, honest bands, no crashes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.forecast import CANDIDATES, Forecast, available_methods, clear_cache, fit_forecast, forecast


def monthly(values, start: str = "2018-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="MS"))


def seasonal_series(n: int = 72, noise: float = 0.0, seed: int = 0) -> pd.Series:
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return monthly(100 + 20 * np.sin(2 * np.pi * t / 12) + noise * rng.normal(size=n))


def assert_well_formed(result: Forecast, horizon: int, nonnegative: bool) -> None:
    assert isinstance(result, Forecast)
    for series in (result.mean, result.lower, result.upper):
        assert len(series) == horizon
        assert np.isfinite(series.to_numpy()).all()
        if nonnegative:
            assert (series >= 0).all()
    assert (result.lower <= result.mean + 1e-9).all() and (result.mean <= result.upper + 1e-9).all()
    assert result.model and result.summary


# --- accuracy a user would check by eye -------------------------------------------------


def test_a_pure_seasonal_series_is_forecast_closely():
    history = seasonal_series(84)
    truth = 100 + 20 * np.sin(2 * np.pi * np.arange(84, 96) / 12)
    result = forecast(history, 12)
    assert np.max(np.abs(result.mean.to_numpy() - truth)) < 2.0  # 10% of the seasonal swing
    assert result.mean.index[0] == pd.Timestamp("2025-01-01")


def test_a_straight_trend_is_continued():
    result = forecast(pd.Series(10.0 + 2.0 * np.arange(30)), 5)
    np.testing.assert_allclose(result.mean.to_numpy(), 10.0 + 2.0 * np.arange(30, 35), rtol=0.02)


@pytest.mark.parametrize("process", ["ar1", "random_walk"])
def test_interval_coverage_is_near_nominal_on_simulated_data(process):
    rng = np.random.default_rng(7)
    inside = []
    for _ in range(30):
        shocks = rng.normal(size=66)
        if process == "ar1":
            y = np.empty(66)
            y[0] = shocks[0] / np.sqrt(1 - 0.6**2)
            for t in range(1, 66):
                y[t] = 0.6 * y[t - 1] + shocks[t]
            y += 50
        else:
            y = 50 + np.cumsum(shocks)
        history, future = pd.Series(y[:60]), y[60:]
        result = forecast(history, 6, level=0.9)
        inside.append((result.lower.to_numpy() <= future) & (future <= result.upper.to_numpy()))
    coverage = float(np.mean(inside))
    assert 0.8 <= coverage <= 0.97, coverage


# --- awkward series a user can produce with a filter -------------------------------------

rng = np.random.default_rng(3)
_base = 50 + 10 * np.sin(np.arange(40) * 2 * np.pi / 12) + rng.normal(0, 2, 40)
AWKWARD = {
    "one point": [5.0],
    "two points": [5.0, 7.0],
    "three points": [5.0, 7.0, 6.0],
    "under two seasons": list(_base[:18]),
    "constant": [3.0] * 30,
    "all zeros": [0.0] * 30,
    "intermittent zeros": [0, 0, 3, 0, 1, 0, 0, 4, 0, 0, 2, 0] * 3,
    "falling to zero": list(np.maximum(0.0, 40 - 1.5 * np.arange(30))),
    "negative values": list(_base - 55),
    "missing values": [v if i % 7 else np.nan for i, v in enumerate(_base)],
    "leading and trailing NaN": [np.nan, np.nan, *_base[:30], np.nan],
    "outlier": [v * (8 if i == 25 else 1) for i, v in enumerate(_base)],
    "level shift": [v + (60 if i >= 24 else 0) for i, v in enumerate(_base)],
}


@pytest.mark.parametrize("name", list(AWKWARD))
def test_awkward_series_get_a_sensible_forecast(name):
    values = np.asarray(AWKWARD[name], dtype=float)
    history = monthly(values)
    result = forecast(history, 8)
    observed = values[np.isfinite(values)]
    assert_well_formed(result, 8, nonnegative=bool((observed >= 0).all()))
    assert result.mean.index[0] == history.index[-1] + pd.offsets.MonthBegin(1)
    assert result.mean.index.equals(pd.date_range(result.mean.index[0], periods=8, freq="MS"))
    spread = np.ptp(observed) if len(observed) > 1 else abs(observed[0])
    # "No silly answer": stays within a few ranges of what was seen.
    assert result.mean.abs().max() <= np.abs(observed).max() + 5 * spread + 1e-9


def test_gaps_in_the_dates_are_filled_and_reported():
    history = seasonal_series(48, noise=1.0).drop(pd.to_datetime(["2019-03-01", "2019-04-01", "2020-07-01"]))
    result = forecast(history, 6)
    assert_well_formed(result, 6, nonnegative=True)
    assert "3 missing months filled by linear interpolation" in result.model
    assert result.mean.index[0] == pd.Timestamp("2022-01-01")


def test_a_one_off_spike_neither_drags_the_forecast_nor_blows_up_the_band():
    clean = monthly(AWKWARD["outlier"]).where(lambda s: s.index != s.index[25], _base[25])
    spiked, calm = forecast(monthly(AWKWARD["outlier"]), 8), forecast(clean, 8)
    assert "1 extreme value (2020-02-01) replaced" in spiked.model
    assert np.allclose(spiked.mean, calm.mean, rtol=0.05)
    assert ((spiked.upper - spiked.lower) <= 1.5 * (calm.upper - calm.lower) + 1e-9).all()


def test_a_spike_in_the_latest_period_is_kept():
    values = [*_base[:30], 8 * _base[30]]
    assert "extreme" not in forecast(monthly(values), 3).model


def test_a_series_that_dropped_to_zero_and_stayed_there_is_forecast_near_zero():
    leaver = forecast(monthly([30.0] * 20 + [0.0] * 16), 6)
    assert leaver.mean.max() < 1.0


def test_after_a_level_shift_the_forecast_starts_from_the_new_level():
    result = forecast(pd.Series([50.0 + (i % 3) for i in range(30)] + [110.0 + (i % 3) for i in range(12)]), 4)
    assert (result.mean > 100).all() and (result.mean < 125).all()


def test_a_constant_series_forecasts_itself_without_a_band():
    result = forecast(monthly([4.0] * 20), 3)
    assert (result.mean == 4.0).all() and (result.lower == 4.0).all() and (result.upper == 4.0).all()
    assert "constant" in result.model


def test_a_series_without_numbers_is_refused_clearly():
    with pytest.raises(ValueError, match="no numeric values"):
        forecast(monthly([np.nan, np.nan]), 3)


def test_no_statsmodels_warning_reaches_the_user():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for values in (AWKWARD["outlier"], AWKWARD["intermittent zeros"], AWKWARD["three points"]):
            forecast(monthly(values), 12, method="auto")
        forecast(monthly(AWKWARD["level shift"]), 12, method="arima")
    assert [str(w.message) for w in caught] == []


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40),
    horizon=st.integers(min_value=1, max_value=12),
)
def test_any_nonnegative_series_gets_a_well_formed_forecast(values, horizon):
    result = forecast(pd.Series(values), horizon)
    assert_well_formed(result, horizon, nonnegative=True)
    assert list(result.mean.index) == list(range(len(values), len(values) + horizon))


# --- the index continues the input's --------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected_next"),
    [
        (pd.date_range("2020-01-01", periods=30, freq="MS"), pd.date_range("2022-07-01", periods=4, freq="MS")),
        (pd.date_range("2020-01-31", periods=30, freq="ME"), pd.date_range("2022-07-31", periods=4, freq="ME")),
        (pd.date_range("2015-01-01", periods=30, freq="QS"), pd.date_range("2022-07-01", periods=4, freq="QS")),
        (pd.date_range("2021-01-04", periods=30, freq="W-MON"), pd.date_range("2021-08-02", periods=4, freq="W-MON")),
        (pd.date_range("1990-01-01", periods=30, freq="YS"), pd.date_range("2020-01-01", periods=4, freq="YS")),
        (pd.RangeIndex(0, 30), pd.RangeIndex(30, 34)),
        (pd.RangeIndex(10, 70, 2), pd.RangeIndex(70, 78, 2)),
    ],
)
def test_the_forecast_index_continues_the_input(index, expected_next):
    history = pd.Series(20 + np.sin(np.arange(30)) + 0.1 * np.arange(30), index=index)
    result = forecast(history, 4)
    assert list(result.mean.index) == list(expected_next)
    assert type(result.mean.index) is type(expected_next)


def test_dates_without_a_frequency_attribute_are_inferred():
    dates = pd.DatetimeIndex(["2023-01-01", "2023-02-01", "2023-04-01", "2023-05-01", "2023-06-01"])
    result = forecast(pd.Series([1.0, 2, 3, 4, 5], index=dates), 2)
    assert list(result.mean.index) == [pd.Timestamp("2023-07-01"), pd.Timestamp("2023-08-01")]


@pytest.mark.parametrize(("freq", "season"), [("MS", 12), ("QS", 4), ("W-MON", 52), ("YS", 1)])
def test_season_length_follows_the_frequency(freq, season):
    history = pd.Series(np.arange(12.0) + 1, index=pd.date_range("2020-01-06", periods=12, freq=freq))
    assert forecast(history, 2).season_length == season
    assert forecast(pd.Series(np.arange(12.0) + 1), 2).season_length == 1


# --- choosing a model -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "words"),
    [
        ("naive", "Naive"),
        ("seasonal_naive", "Seasonal naive"),
        ("drift", "drift"),
        ("ses", "ETS(A,N,N)"),
        ("holt", "ETS(A,A,N)"),
        ("damped", "ETS(A,Ad,N)"),
        ("holt_winters", "Holt-Winters"),
        ("theta", "Theta"),
        ("arima", "ARIMA"),
        ("sarima", "SARIMA"),
        ("combination", "Combination"),
    ],
)
def test_naming_a_method_uses_it(method, words):
    result = forecast(seasonal_series(60, noise=2.0), 12, method=method)
    assert result.method == method
    assert words in result.model
    assert_well_formed(result, 12, nonnegative=True)


def test_seasonal_arima_follows_a_seasonal_pattern_on_a_trend():
    t = np.arange(132)
    truth = 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12)
    noisy = truth[:120] + np.random.default_rng(1).normal(0, 1, 120)
    result = forecast(monthly(noisy), 12, method="sarima")
    assert result.model.startswith("SARIMA(") and "(0,1,1)[12]" in result.model
    assert np.abs(result.mean.to_numpy() - truth[120:]).max() < 3  # noise sd 1, pattern amplitude 10
    assert ((result.lower.to_numpy() < truth[120:]) & (truth[120:] < result.upper.to_numpy())).mean() >= 0.75


def test_seasonal_arima_is_fitted_only_when_named():
    auto = forecast(seasonal_series(72, noise=3.0), 12)
    assert "sarima" not in auto.backtest.index and "SARIMA" not in auto.model
    yearly = forecast(pd.Series(np.arange(30.0)), 5, method="sarima")
    assert yearly.method != "sarima" and "seasonal ARIMA needs a season length above 1" in yearly.model


def test_every_candidate_is_offered_for_a_long_seasonal_series():
    assert set(available_methods(seasonal_series(60, noise=2.0))) == {"auto", *CANDIDATES}
    assert "holt_winters" not in available_methods(pd.Series([1.0, 2.0, 3.0]))


def test_an_unknown_method_is_refused_with_the_allowed_names():
    with pytest.raises(ValueError, match="theta") as error:
        forecast(seasonal_series(), 3, method="prophet")
    assert "auto" in str(error.value)


def test_a_model_the_data_cannot_support_falls_back_and_says_so():
    result = forecast(monthly(_base[:15]), 6, method="holt_winters")
    assert result.method != "holt_winters"
    assert "fallback" in result.model and "Holt-Winters" in result.model


def test_auto_reports_the_backtest_behind_its_choice():
    result = forecast(seasonal_series(72, noise=3.0), 12)
    table = result.backtest
    assert {"model", "mape", "smape", "mase", "chosen"} <= set(table.columns)
    assert result.method in table.index and table.loc[result.method, "chosen"]
    assert len(table) >= 5 and table[["smape", "mase"]].notna().all().all()
    assert 0 <= result.coverage <= 1 and result.backtest_origins >= 2
    assert f"{result.coverage:.0%}" in result.summary and "90% band" in result.summary


# --- bands and caching ------------------------------------------------------------------


def test_a_wider_level_gives_a_wider_band():
    history = seasonal_series(60, noise=3.0)
    narrow, wide = forecast(history, 12, level=0.8), forecast(history, 12, level=0.95)
    assert ((wide.upper - wide.lower) >= (narrow.upper - narrow.lower) - 1e-9).all()
    assert (wide.upper - wide.lower).sum() > (narrow.upper - narrow.lower).sum()


def test_bands_of_a_nonnegative_series_never_go_below_zero():
    result = forecast(monthly(np.maximum(0.0, 30 - np.arange(24) + np.tile([2.0, -2.0], 12))), 12)
    assert (result.lower >= 0).all() and (result.mean >= 0).all()


def test_the_same_request_reuses_the_same_fit():
    history = seasonal_series(48, noise=1.0)
    first = fit_forecast(history, 6)
    assert fit_forecast(history.copy(), 6) is first
    assert fit_forecast(history, 7) is not first and fit_forecast(history, 6, method="theta") is not first
    pd.testing.assert_frame_equal(forecast(history, 6).frame, first.forecast(6).frame)
    clear_cache()
    assert fit_forecast(history, 6) is not first


# --- the engine's own conditions: threads, package layout, internals that must agree ------


def test_a_fit_runs_on_one_blas_thread_and_the_callers_setting_comes_back(monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    from analysis.forecast import models

    seen = []
    original = models._MODELS["naive"]

    def recording_fit(window, h, *option):
        seen.extend(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")
        return original.fit(window, h, *option)

    monkeypatch.setitem(models._MODELS, "naive", models._Model("naive", recording_fit, original.min_size))
    clear_cache()
    with threadpool_limits(limits=2, user_api="blas"):
        before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
        forecast(seasonal_series(60, noise=3.0, seed=4), 6, method="naive")
        after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert seen and set(seen) == {1}
    assert after == before


def test_holt_finds_at_least_as_good_a_fit_as_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    from analysis.forecast.ets import _TREND_BOUNDS, _trend_smoothing
    from analysis.forecast.window import _Window

    rng = np.random.default_rng(7)
    values = 100 + np.cumsum(rng.normal(0.5, 2.0, 80))
    for damped in (False, True):
        fit = _trend_smoothing(_Window.of(values, 1), 4, damped)
        bounds = _TREND_BOUNDS if damped else {"smoothing_trend": _TREND_BOUNDS["smoothing_trend"]}
        reference = ExponentialSmoothing(values, trend="add", damped_trend=damped, bounds=bounds).fit()
        assert np.all(np.isfinite(fit.mean))
        # The sigma behind the band comes from the fitted SSE: it must not be worse than statsmodels' fit.
        sigma = fit.sd[0]
        assert sigma <= np.sqrt(reference.sse / len(values)) * (1 + 1e-6)


def test_a_short_yearly_series_is_still_replayed_three_times():
    values = pd.Series(100 + 5 * np.arange(14) + np.random.default_rng(1).normal(0, 3, 14))
    result = forecast(values, 6, season_length=1)
    assert result.backtest_origins == 3
    assert np.isfinite(result.coverage)


def test_the_public_names_are_importable_from_the_package():
    import analysis.forecast as package

    for name in ("CANDIDATES", "ON_REQUEST", "Forecast", "available_methods", "clear_cache", "forecast"):
        assert hasattr(package, name)


def test_auto_leaves_out_candidates_that_take_a_positive_series_below_zero():
    """A falling positive series: Holt's trend and drift cross zero within the horizon; they are no candidates."""
    from analysis.forecast.models import _safe_fit
    from analysis.forecast.prepare import _prepare
    from analysis.forecast.window import _Window

    rng = np.random.default_rng(3)
    y = pd.Series(100 - 2.0 * np.arange(48) + rng.normal(0, 2, 48), index=pd.period_range("2020-01", periods=48, freq="M"))
    h = 18
    prepared = _prepare(y, None)
    window = _Window.of(prepared.values, prepared.season_length)
    below = {name for name in ("holt", "drift") if _safe_fit(name, window, h).mean.min() < 0}
    assert below, "the series should take an undamped trend below zero"
    result = forecast(y, h)
    compared = set(result.backtest.index) - {"combination"}
    assert compared and not compared & below
    for name in compared:
        assert _safe_fit(name, window, h).mean.min() >= 0
