"""Elasticities: recovered on data simulated with known values, and distrusted when they should be."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.elasticity import estimate


def simulated(n: int = 96, own: float = -1.4, cross: float = 0.6, marketing: float = 0.15, price_noise: float = 0.08,
              seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    price = 100 * np.exp(rng.normal(0, price_noise, n))
    competitor = 90 * np.exp(rng.normal(0, price_noise, n))
    spend = 50_000 * np.exp(rng.normal(0, 0.3, n))
    season = 0.2 * np.sin(2 * np.pi * t / 12)
    log_units = 8 + 0.01 * t + season + own * np.log(price) + cross * np.log(competitor) + marketing * np.log(spend)
    units = np.exp(log_units + rng.normal(0, 0.03, n))
    return pd.DataFrame({"date": pd.date_range("2016-01-01", periods=n, freq="MS"), "units": units, "price": price,
                         "competitor_price": competitor, "marketing": spend})


def test_known_elasticities_fall_inside_their_intervals():
    model = estimate(simulated())
    for est, truth in ((model.own, -1.4), (model.cross, 0.6), (model.marketing, 0.15)):
        assert est.low <= truth <= est.high, (est, truth)
    assert model.r2 > 0.9 and model.n == 96 and model.trustworthy
    assert "seasonality" in model.controls


def test_flat_price_is_flagged():
    model = estimate(simulated(price_noise=0.005))
    assert any("price barely varied" in w for w in model.warnings)


def test_too_few_points_and_wrong_sign_are_flagged():
    short = estimate(simulated(n=18))
    assert any("only 18 periods" in w for w in short.warnings)
    wrong = estimate(simulated(own=+0.8))
    assert any("wrong sign" in w for w in wrong.warnings)


def test_without_drivers_only_own_price_is_estimated():
    model = estimate(simulated()[["date", "units", "price"]])
    assert model.cross is None and model.marketing is None and model.own.value < 0


def test_hopeless_history_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least 8"):
        estimate(simulated(n=5))
