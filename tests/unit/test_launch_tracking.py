"""Launch tracking: plan against actuals to date, the re-fit, and when it becomes a Briefing finding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.bass import cumulative_share
from analysis.finance import LaunchInputs
from analysis.launch_tracking import launch_finding, launched_plans, track

PLAN = LaunchInputs(market_size=100_000, price=200.0, unit_cost=60.0, fixed_cost=1_000_000, p=0.03, q=0.6,
                    periods=120, per_year=12)
LAUNCH = pd.Timestamp("2023-01-01")


def actuals(factor: float, months: int = 30, plan: LaunchInputs = PLAN) -> pd.DataFrame:
    """Units sold each month: the plan's new adopters times `factor`, at the plan's price."""
    t = np.arange(0, months + 1) / 12
    units = factor * plan.market_size * np.diff(cumulative_share(t, plan.p, plan.q))
    dates = pd.date_range(LAUNCH, periods=months, freq="MS")
    return pd.DataFrame({"units": units, "revenue": units * plan.price}, index=dates)


def test_a_launch_on_plan_has_no_gap_and_no_finding():
    tracking = track(PLAN, LAUNCH, actuals(1.0))
    assert tracking.gap_units == pytest.approx(0.0, abs=1e-6) and tracking.gap_revenue == pytest.approx(0.0, abs=1e-3)
    assert tracking.periods == 30 and launch_finding(tracking, "$0") is None


def test_a_launch_20_percent_behind_is_a_risk_sized_by_the_revenue_it_missed():
    tracking = track(PLAN, LAUNCH, actuals(0.8))
    planned = PLAN.market_size * cumulative_share(np.array([30 / 12]), PLAN.p, PLAN.q)[0]
    assert tracking.path["plan"].iloc[-1] == pytest.approx(planned)
    assert tracking.gap_percent == pytest.approx(-20.0) and tracking.gap_units == pytest.approx(-0.2 * planned)
    assert tracking.gap_revenue == pytest.approx(-0.2 * planned * PLAN.price)
    finding = launch_finding(tracking, "-$1M")
    assert finding.kind == "launch" and finding.sentiment == "risk" and finding.impact == pytest.approx(
        0.2 * planned * PLAN.price)
    assert "20% behind plan after 30 months" in finding.text and finding.when == LAUNCH
    assert launch_finding(track(PLAN, LAUNCH, actuals(1.15)), "+$1M").sentiment == "opportunity"
    assert launch_finding(track(PLAN, LAUNCH, actuals(0.95)), "-$0.2M") is None  # within 10% of plan


def test_the_refit_finds_a_smaller_market_and_a_lower_npv_when_actuals_run_behind():
    on_plan, behind = track(PLAN, LAUNCH, actuals(1.0, 48)), track(PLAN, LAUNCH, actuals(0.7, 48))
    assert on_plan.refit.m == pytest.approx(PLAN.market_size, rel=0.05)
    assert behind.refit.m == pytest.approx(0.7 * PLAN.market_size, rel=0.05)
    assert behind.refit_npv < on_plan.refit_npv
    assert on_plan.refit_npv == pytest.approx(on_plan.plan_npv, rel=0.05)


def test_only_options_that_are_products_launched_inside_the_data_are_tracked():
    options = pd.DataFrame({"option": ["Flow", "Next thing", "Future"], "launch": pd.to_datetime(
        ["2023-01-01", "2023-01-01", "2027-01-01"])})
    market = pd.DataFrame({"date": pd.to_datetime(["2023-01-01", "2025-12-01"]), "product": ["Flow", "Future"]})
    assert list(launched_plans(options, market)["option"]) == ["Flow"]
    with pytest.raises(ValueError, match="no sales since its launch"):
        track(PLAN, pd.Timestamp("2030-01-01"), actuals(1.0), product="Flow")
