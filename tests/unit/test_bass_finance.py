"""Bass diffusion and launch finance against answers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.bass import adoption, cumulative_share, fit, peak_time
from analysis.finance import LaunchInputs, Risk, cash_flows, irr, npv, payback, simulate_npv


def test_adoption_adds_up_to_the_potential_and_peaks_when_the_formula_says():
    curve = adoption(0.03, 0.38, 1_000_000, 40)
    assert curve["cumulative"].iloc[-1] == pytest.approx(1_000_000, rel=1e-3)
    assert np.allclose(curve["new"].cumsum(), curve["cumulative"])
    peak = peak_time(0.03, 0.38)
    assert peak == pytest.approx(math.log(0.38 / 0.03) / 0.41)
    assert abs(curve["new"].idxmax() + 0.5 - peak) <= 1.0  # the peak year holds the analytic peak


def test_monthly_periods_give_the_same_curve_as_yearly():
    yearly = adoption(0.02, 0.4, 1000, 5)
    monthly = adoption(0.02, 0.4, 1000, 60, per_year=12)
    assert monthly["cumulative"].iloc[11::12].to_numpy() == pytest.approx(yearly["cumulative"].to_numpy())


def test_fit_recovers_p_and_q_from_simulated_adoption():
    rng = np.random.default_rng(3)
    truth = adoption(0.015, 0.45, 50_000, 120, per_year=12)  # ten years: past the peak, so p is identified
    noisy = truth["new"] * rng.normal(1.0, 0.03, len(truth))
    result = fit(noisy, per_year=12)
    assert result.p == pytest.approx(0.015, rel=0.15)
    assert result.q == pytest.approx(0.45, rel=0.1)
    assert result.r2 > 0.9
    with pytest.raises(ValueError, match="at least four periods"):
        fit([1.0, 2.0])


def test_npv_irr_payback_by_hand():
    flows = [-100.0, 60.0, 60.0]
    assert npv(0.10, flows) == pytest.approx(-100 + 60 / 1.1 + 60 / 1.21)
    assert irr(flows) == pytest.approx(0.1306623, abs=1e-6)  # solves 60/(1+r) + 60/(1+r)^2 = 100
    assert payback(flows) == pytest.approx(1 + 40 / 60)
    assert payback([-10.0, -5.0]) is None and irr([5.0, 5.0]) is None
    assert npv(0.12, [-100.0] + [10.0] * 12, per_year=12) == pytest.approx(
        -100 + sum(10 / 1.12 ** (k / 12) for k in range(1, 13)))


def test_cash_flows_of_a_one_off_launch():
    option = LaunchInputs(market_size=10_000, price=100, unit_cost=60, fixed_cost=50_000, p=0.03, q=0.38, periods=24,
                          recurring=False)
    frame = cash_flows(option)
    assert frame["cash"].iloc[0] == -50_000
    units = 10_000 * cumulative_share(np.array([2.0]), 0.03, 0.38)[0]
    assert frame["units"].sum() == pytest.approx(units)
    assert frame["cash"].sum() == pytest.approx(units * 40 - 50_000)


def test_recurring_revenue_bills_every_adopter_every_year():
    # yearly periods, and an adoption so fast that everyone has adopted by the end of year 1
    option = LaunchInputs(market_size=1_000, price=100, unit_cost=30, fixed_cost=0, p=0.99, q=20.0, periods=3,
                          per_year=1)
    frame = cash_flows(option)
    assert frame["revenue"].iloc[1:].to_numpy() == pytest.approx([100_000, 100_000, 100_000], rel=1e-3)
    assert frame["cash"].sum() == pytest.approx(3 * 70_000, rel=1e-3)


def test_monte_carlo_without_ranges_is_the_deterministic_npv():
    for recurring in (True, False):
        option = LaunchInputs(market_size=10_000, price=100, unit_cost=60, fixed_cost=50_000, p=0.03, q=0.38,
                              recurring=recurring)
        outcomes = simulate_npv(option, {}, 0.1, draws=1000)
        assert np.allclose(outcomes, npv(0.1, cash_flows(option)["cash"], per_year=12))


def test_monte_carlo_ranges_widen_the_band_around_the_deterministic_npv():
    option = LaunchInputs(market_size=10_000, price=100, unit_cost=60, fixed_cost=90_000, p=0.03, q=0.38)
    base = npv(0.1, cash_flows(option)["cash"], per_year=12)
    risk = Risk.of(simulate_npv(option, {"market_size": (6_000, 14_000), "q": (0.2, 0.56)}, 0.1))
    assert risk.p10 < base < risk.p90
    assert 0.0 < risk.probability_positive < 1.0


def test_ranking_tornado_and_what_changes_the_choice():
    from analysis.launch import DEFAULT_RANGES, evaluate, ranking, tornado, what_changes_the_choice

    strong = LaunchInputs(market_size=20_000, price=100, unit_cost=50, fixed_cost=200_000, p=0.03, q=0.4)
    weak = LaunchInputs(market_size=12_000, price=100, unit_cost=50, fixed_cost=200_000, p=0.03, q=0.4)
    table = ranking([evaluate("weak", weak, 0.1, DEFAULT_RANGES), evaluate("strong", strong, 0.1, DEFAULT_RANGES)])
    assert table["option"].tolist() == ["strong", "weak"]
    swings = tornado(strong, 0.1, DEFAULT_RANGES)
    assert swings["swing"].is_monotonic_decreasing and "market potential" in set(swings["input"].head(3))
    runner_up = table["npv"].iloc[1]
    changes = what_changes_the_choice(strong, runner_up, 0.1, {"market_size": (-0.5, 0.5)})
    # strong loses when its potential falls to weak's: 12,000 adopters
    assert len(changes) == 1 and changes[0] == "market potential is below 12,000 adopters"
    assert what_changes_the_choice(strong, runner_up, 0.1, {"market_size": (-0.1, 0.1)}) == []


def test_bad_option_rows_are_named_and_the_rest_still_evaluated():
    import pandas as pd

    from analysis.launch import options_from_table

    table = pd.DataFrame([
        {"option": "Good", "market_size": 1000, "price": 10, "unit_cost": 2, "fixed_cost": 100, "p": None, "q": 0.4},
        {"option": "Good", "market_size": 1000, "price": 10, "unit_cost": 2, "fixed_cost": 100, "p": 0.02, "q": 0.4},
        {"option": "", "market_size": 1, "price": 1, "unit_cost": 0, "fixed_cost": 0, "p": 0.02, "q": 0.4},
        {"option": "Bad", "market_size": -5, "price": 10, "unit_cost": 2, "fixed_cost": 100, "p": 1.5, "q": 0.4},
    ])
    options, problems = options_from_table(table, years=5)
    assert list(options) == ["Good"] and options["Good"].p == 0.03  # empty p: the published average
    assert problems == [
        "row 2 (Good): another option has the same name; names must be unique.",
        "row 3: give the option a name.",
        "row 4 (Bad): market size must be a positive number of adopters; p must lie between 0 and 1 "
        "(typically 0.01–0.05).",
    ]
