"""Scenario projections against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.scenario import Elasticities, Levers, project, sensitivity, totals

INDEX = pd.date_range("2026-01-01", periods=12, freq="MS")
OURS = pd.DataFrame({"mean": 100.0, "lower": 90.0, "upper": 110.0}, index=INDEX)
MARKET = pd.Series(1000.0, index=INDEX)
CERTAIN = Elasticities(own=-2.0, own_sd=0.0, cross=0.5, cross_sd=0.0, marketing=0.1, marketing_sd=0.0)


def test_no_lever_is_the_baseline():
    result = totals(project(OURS, MARKET, 10.0, CERTAIN, Levers(), draws=1))
    assert result["scenario_units"] == pytest.approx(result["baseline_units"]) == pytest.approx(1200.0)
    assert result["baseline_share"] == pytest.approx(10.0)


def test_price_cut_through_the_elasticity_by_hand():
    result = totals(project(OURS, MARKET, 10.0, CERTAIN, Levers(price=-5.0, unit_cost=4.0), draws=1))
    units = 1200 * 0.95 ** -2.0
    assert result["scenario_units"] == pytest.approx(units)
    assert result["scenario_revenue"] == pytest.approx(units * 9.5)
    assert result["scenario_margin"] == pytest.approx(units * 5.5)


def test_share_shift_and_competitor_response():
    shifted = totals(project(OURS, MARKET, 10.0, CERTAIN, Levers(share_shift=1.0), draws=1))
    assert shifted["scenario_share"] == pytest.approx(11.0)
    response = totals(project(OURS, MARKET, 10.0, CERTAIN, Levers(competitor_price=-10.0), draws=1))
    assert response["scenario_units"] == pytest.approx(1200 * 0.9**0.5)


def test_uncertainty_gives_a_band_around_the_certain_case():
    uncertain = Elasticities(own=-2.0, own_sd=0.4)
    result = project(OURS, MARKET, 10.0, uncertain, Levers(price=-5.0), draws=4000)
    certain = project(OURS, MARKET, 10.0, CERTAIN, Levers(price=-5.0), draws=1)
    assert (result["scenario_low"] < certain["scenario_units"]).all()
    assert (certain["scenario_units"] < result["scenario_high"]).all()


def test_sensitivity_ranks_the_biggest_swing_first():
    table = sensitivity(OURS, MARKET, 10.0, CERTAIN, Levers())
    assert table["swing"].is_monotonic_decreasing
    assert table["lever"].iloc[0] == "unit share ±1 pt"  # 1 point of a 1000-unit market beats the elastic effects here
    assert np.isfinite(table[["revenue_down", "revenue_up"]].to_numpy()).all()
