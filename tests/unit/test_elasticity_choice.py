"""Which price elasticity a scenario rests on: the slice's, the wider market's, or a published prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.elasticity import DemandModel, Estimate
from analysis.elasticity_choice import (OVERRIDE, POOLED, PRICE_PRIOR, PRIOR, SLICE, choose_cross, choose_marketing,
                                        choose_price, established, pooled_price_elasticity)
from analysis.scenario import Elasticities, Levers, outcome_range, project, totals


def model(own: Estimate, *, marketing: Estimate | None = None, cross: Estimate | None = None,
          warnings: tuple[str, ...] = ()) -> DemandModel:
    return DemandModel(own=own, cross=cross, marketing=marketing, r2=0.8, n=60, warnings=warnings, controls="trend")


CLEAR = Estimate("own price", -1.5, -2.0, -1.0, 0.001)
WRONG_SIGN = Estimate("own price", 0.10, -0.50, 0.69, 0.75)  # the demo's default slice, as the issue found it
SPANS_ZERO = Estimate("own price", -0.4, -1.1, 0.3, 0.3)
POOLED_CLEAR = Estimate("own price", -0.8, -0.9, -0.7, 1e-9)


def test_a_clear_slice_estimate_is_used_as_it_is():
    chosen = choose_price(model(CLEAR), POOLED_CLEAR)
    assert (chosen.basis, chosen.value, chosen.low, chosen.high, chosen.weak) == (SLICE, -1.5, -2.0, -1.0, False)
    assert "this slice's own price elasticity, -1.50" in chosen.sentence


@pytest.mark.parametrize("own", [WRONG_SIGN, SPANS_ZERO])
def test_a_wrong_sign_or_a_range_including_zero_falls_back_to_the_wider_market_shrunk(own):
    chosen = choose_price(model(own), POOLED_CLEAR)
    assert chosen.basis == POOLED and chosen.weak and chosen.high < 0
    assert min(own.value, POOLED_CLEAR.value) < chosen.value < max(own.value, POOLED_CLEAR.value)
    assert abs(chosen.value - POOLED_CLEAR.value) < 0.1  # a noisy slice barely moves a precise pooled estimate
    assert ("wrong sign" if own.value > 0 else "includes zero") in chosen.sentence
    assert "wider market" in chosen.label()


def test_without_a_usable_market_estimate_the_published_prior_is_used_and_cited():
    for pooled in (None, Estimate("own price", 0.3, 0.1, 0.5, 0.01)):
        chosen = choose_price(model(WRONG_SIGN), pooled)
        assert chosen.basis == PRIOR and chosen.value == PRICE_PRIOR.value == -2.62 and chosen.weak
        assert "Bijmolt" in chosen.sentence and chosen.low < chosen.value < chosen.high < 0
    assert choose_price(None, None).basis == PRIOR  # no slice estimate at all


def test_an_override_wins_and_is_labelled():
    chosen = choose_price(model(CLEAR), POOLED_CLEAR, override=-3.0)
    assert (chosen.basis, chosen.value, chosen.sd) == (OVERRIDE, -3.0, 0.0)
    assert "your price elasticity -3.00 instead of this slice's estimate -1.50" in chosen.sentence


def test_marketing_and_competitor_effects_need_to_be_established_too():
    unclear = Estimate("marketing", 0.05, -0.1, 0.2, 0.4)
    assert choose_marketing(model(CLEAR, marketing=unclear)).value == 0.12  # the published prior
    assert choose_marketing(model(CLEAR, marketing=Estimate("marketing", 0.3, 0.2, 0.4, 0.0))).basis == SLICE
    assert choose_marketing(model(CLEAR)) is None
    wrong = Estimate("competitor price", -2.17, -4.0, -0.3, 0.02)  # cheaper rivals raising our units: wrong sign
    assert choose_cross(model(CLEAR, cross=wrong)).value == 0.0
    assert not established(Estimate("x", float("nan"), -1, 1, 1), -1)


def panel(true: float, seed: int = 3) -> pd.DataFrame:
    """Five companies in two regions over six years: each with its own growth path and price path, a
    market-wide season, and an entrant whose price creeps up while its units take off."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2019-01-01", periods=72, freq="MS")
    t = np.arange(72) / 12
    season = 0.2 * np.sin(2 * np.pi * np.arange(72) / 12)
    rows = []
    for g in range(10):
        entrant = g == 0
        log_price = 5 + 0.03 * g + (0.08 * t if entrant else 0.0) + rng.normal(0, 0.06, 72)
        growth = (0.9 * t if entrant else rng.normal(0.02, 0.05) * t)
        log_units = 8 + growth + season + true * log_price + rng.normal(0, 0.05, 72)
        units = np.exp(log_units)
        rows.append(pd.DataFrame({"date": dates, "group": f"g{g}", "units": units, "revenue": units * np.exp(log_price)}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("true", [-0.7, -1.8])
def test_the_pooled_estimate_recovers_the_elasticity_despite_an_entrant_and_a_season(true):
    found = pooled_price_elasticity(panel(true))
    assert found is not None and found.low < true < found.high and found.high < 0


def test_the_pooled_estimate_needs_enough_history():
    assert pooled_price_elasticity(panel(-1.0).query("date < '2019-03-01'")) is None
    assert pooled_price_elasticity(panel(-1.0).query("group == 'g1'")) is None  # one group: nothing to pool


def test_the_outcome_range_spans_the_elasticity_interval():
    index = pd.date_range("2026-01-01", periods=12, freq="MS")
    ours = pd.DataFrame({"mean": 100.0, "lower": 90.0, "upper": 110.0}, index=index)
    market = pd.Series(1000.0, index=index)
    e = Elasticities(own=-1.0, own_sd=0.2)
    levers = Levers(price=10, unit_cost=50)
    low_high = outcome_range(ours, market, 100.0, e, levers, own_low=-1.4, own_high=-0.6)
    central = totals(project(ours, market, 100.0, e, levers, draws=1))
    lo, hi = low_high["units"]
    assert lo < central["scenario_units"] < hi < 1200  # a price rise loses units at every elasticity in range
    assert lo == pytest.approx(1200 * 1.1 ** -1.4) and hi == pytest.approx(1200 * 1.1 ** -0.6)
