"""Lifecycle stages and actions on sales curves built here: launch, growth, maturity, decline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.bass import cumulative_share
from analysis.lifecycle import THIN_MARGIN, action, launch_dates, portfolio, stage

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
    # where costs are known, a declining product that still holds its segments is harvested only at a margin
    assert action("decline", 12.0, THIN_MARGIN + 1)[0] == "harvest" and "margin" in action("decline", 12.0, 40)[1]
    assert action("decline", 12.0, THIN_MARGIN - 1)[0] == "retire" and "too thin" in action("decline", 12.0, 5)[1]


def test_a_given_launch_date_counts_from_the_launch_not_the_first_sale():
    sales = pd.Series(0.0, index=MONTHS)
    sales.iloc[-30:] = 50.0  # a trickle of pilot sales for 18 months before the real launch
    sales.iloc[-12:] = np.linspace(100, 400, 12)
    assert stage(sales).stage != "introduction"
    launched = stage(sales, launch=MONTHS[-12])
    assert launched.stage == "introduction" and launched.first_sale == MONTHS[-12]
    assert launched.evidence.startswith(f"Launched {MONTHS[-12]:%b %Y}: ") and "not yet two years" in launched.evidence
    given = pd.DataFrame({"product": ["A", "A", "B", None], "launch_date": [MONTHS[5], MONTHS[3], None, MONTHS[1]]})
    assert launch_dates(given) == {"A": MONTHS[3]}  # earliest given date; blanks mean "derive it"


def test_margin_comes_from_costs_and_only_where_they_exist():
    rows = []
    for i, month in enumerate(MONTHS[:36]):
        rows += [{"date": month, "segment": "S", "company": "Us", "product": "Ours", "units": 10.0,
                  "revenue": 1000.0 * (1 - i / 60), "cost": 700.0},  # margin squeezed as revenue falls
                 {"date": month, "segment": "S", "company": "Them", "product": "Theirs", "units": 40.0,
                  "revenue": 4000.0, "cost": np.nan}]
    market = pd.DataFrame(rows)
    table = portfolio(market, "Us", "revenue").set_index("product")
    last = market[(market["company"] == "Us") & market["date"].isin(MONTHS[24:36])]
    expected = 100 * (1 - last["cost"].sum() / last["revenue"].sum())
    assert table.loc["Ours", "margin"] == pytest.approx(expected)
    assert table.loc["Ours", "stage"] == "decline" and table.loc["Ours", "action"] == "retire"  # margin < 15%
    assert expected < THIN_MARGIN
    assert portfolio(market.drop(columns="cost"), "Us", "revenue")["margin"].isna().all()


def test_the_portfolio_of_the_demo_tells_its_product_story():
    from data.dataset import load_demo

    table = portfolio(load_demo().tables["market"], "Northwind", "revenue").set_index("product")
    assert list(table.index) == ["Northwind Atlas", "Northwind Go", "Northwind Flow"]  # biggest first
    assert table.loc["Northwind Flow", "stage"] == "growth" and table.loc["Northwind Flow", "action"] == "invest"
    assert table.loc["Northwind Go", "stage"] == "decline" and table.loc["Northwind Go", "action"] == "harvest"
    assert table.loc["Northwind Atlas", "segments"] == "Enterprise, Mid-Market"
    assert 0 < table.loc["Northwind Atlas", "share"] < 100 and table.loc["Northwind Atlas", "price_index"] > 0
    # only our own costs are in the demo: margins for our products, the old SMB product the thinnest
    assert table["margin"].notna().all() and table["margin"].idxmin() == "Northwind Go"
    assert table.loc["Northwind Flow", "margin"] == pytest.approx(70, abs=0.5)


def test_one_products_row_is_its_row_of_the_whole_portfolio():
    from data.dataset import load_demo

    market = load_demo().tables["market"]
    whole = portfolio(market, "Northwind", "units")
    for product in whole["product"]:
        one = portfolio(market, "Northwind", "units", only=product)
        pd.testing.assert_frame_equal(one, whole[whole["product"] == product].reset_index(drop=True))
    assert portfolio(market, "Northwind", "units", only="no such product").empty


def test_a_flat_product_changes_by_plus_zero_percent_not_minus_zero():
    values = np.full(36, 100.0)
    values[-12:] *= 0.997  # -0.3% on the year before: rounds to 0, which has no sign
    found = stage(curve(values))
    assert found.stage == "maturity" and -0.5 < found.growth < 0
    assert "+0% on the 12 before" in found.evidence and "-0%" not in found.evidence
