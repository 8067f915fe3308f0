"""A driver that really moves the market improves the forecast; noise does not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.drivers import compare_with_driver

MONTHS = pd.date_range("2016-01-01", periods=96, freq="MS")


def series(seed: int) -> tuple[pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    driver = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.08, 96))) * 100, index=MONTHS)
    season = 1 + 0.1 * np.sin(2 * np.pi * np.arange(96) / 12)
    market = pd.Series(50 * driver.to_numpy() ** 0.8 * season * np.exp(rng.normal(0, 0.01, 96)), index=MONTHS)
    noise = pd.Series(np.exp(rng.normal(0, 0.3, 96)) * 100, index=MONTHS)
    return market, driver, noise


def test_a_real_driver_is_recognised_with_its_elasticity():
    market, driver, _ = series(1)
    result = compare_with_driver(market, driver, "spend", horizon=12)
    assert result.helps and abs(result.coefficient - 0.8) < 0.15
    assert result.driver_mape < result.plain_mape
    assert len(result.mean) == 12 and (result.lower <= result.mean).all() and (result.mean <= result.upper).all()
    assert "improves the forecast" in result.describe()


def test_noise_is_not_a_driver():
    market, _, noise = series(2)
    result = compare_with_driver(market, noise, "noise", horizon=12)
    assert not result.helps and "does not improve" in result.describe()
