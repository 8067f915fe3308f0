"""Lifecycle stages and actions on sales curves built here: launch, growth, maturity, decline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.bass import cumulative_share
from analysis.lifecycle import action, portfolio, stage

MONTHS = pd.date_range("2020-01-01", periods=60, freq="MS")
SEASON = 1 + 0.2 * np.sin(2 * np.pi * np.arange(60) / 12)  # a season the rolling year must see through


def curve(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float) * SEASON[: len(values)], index=MONTHS[: len(values)])


def test_a_young_product_is_in_introduction_whatever_its_growth():
    sales = pd.Series(0.0, index=MONTHS)
    sales.iloc[-8:] = [10, 20, 40, 60, 90, 120, 160, 200]
    found = stage(sales)
    assert found.stage == "introduction" and found.first_sale == MONTHS[-8]
    assert found.evidence == "First sold May 2024: 8 months of sales so far, 700 units in all."


def test_an_adoption_curve_grows_then_matures():
    t = np.arange(60) / 12
    new = 1000 * np.diff(cumulative_share(np.concatenate([[0], t + 1 / 12]), 0.03, 0.9))
    growing = stage(curve(new[:36]))  # three years in: before the peak of new adopters
    assert growing.stage == "growth" and growing.growth > 10
    assert " units over the last 12 months, +" in growing.evidence and growing.evidence.endswith("first sold Jan 2020.")
    flat = stage(curve(np.full(60, 100.0) * 1.03 ** (np.arange(60) / 12)))  # +3% a year
    assert flat.stage == "maturity" and flat.growth == pytest.approx(3.0, abs=0.5)
    assert "inside the -5% to +10% of a mature product" in flat.evidence


def test_a_falling_product_declines_and_says_how_far_below_its_best_year():
    values = np.concatenate([np.full(36, 100.0), np.linspace(100, 60, 24)])
    found = stage(curve(values), unit="revenue")
    assert found.stage == "decline" and found.growth < -5
    assert MONTHS[11] <= found.peak <= MONTHS[36]  # a flat year before the fall: any of its rolling years
    assert found.below_peak == pytest.approx(100 * (1 - found_last(values) / 1200), abs=1)
    assert f"below its best year (to {found.peak:%b %Y})" in found.evidence and found.evidence.startswith("$")


def found_last(values: np.ndarray) -> float:
    return float((values[-12:] * SEASON[-12:]).sum())


def test_actions_follow_the_stated_rule():
    assert action("growth", 2.0)[0] == "invest" and action("introduction", None)[0] == "invest"
    assert action("maturity", 30.0)[0] == "defend"
    assert action("decline", 12.0)[0] == "harvest" and action("decline", 3.0)[0] == "retire"
    assert action("decline", None)[0] == "retire"


def test_the_portfolio_of_the_demo_tells_its_product_story():
    from data.dataset import load_demo

    table = portfolio(load_demo().tables["market"], "Northwind", "revenue").set_index("product")
    assert list(table.index) == ["Northwind Atlas", "Northwind Go", "Northwind Flow"]  # biggest first
    assert table.loc["Northwind Flow", "stage"] == "growth" and table.loc["Northwind Flow", "action"] == "invest"
    assert table.loc["Northwind Go", "stage"] == "decline" and table.loc["Northwind Go", "action"] == "harvest"
    assert table.loc["Northwind Atlas", "segments"] == "Enterprise, Mid-Market"
    assert 0 < table.loc["Northwind Atlas", "share"] < 100 and table.loc["Northwind Atlas", "price_index"] > 0
