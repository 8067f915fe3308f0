"""Money axes read as rounded dollars: $9.2M, −$6M (not $−6M), never $9,205,695."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import charts
from dashboard.axes import money_axes, readable_money

DATES = pd.date_range("2028-01-01", periods=6, freq="MS")


def test_an_axis_with_losses_puts_the_sign_before_the_dollar():
    flows = pd.DataFrame({"date": DATES, "cash": [-6e6, 1e6, 2e6, 2e6, 3e6, 3e6]})
    flows["cumulative_cash"] = flows["cash"].cumsum()
    fig = charts.cash_chart(flows, title="Cash", payback_date=None)
    updates = money_axes(fig)
    assert updates == {"yaxis": {"tickformat": "$~s", "tickprefix": ""}}
    shown = readable_money(fig)
    assert shown is not fig and fig.layout.yaxis.tickprefix == "$"  # the original (maybe shared) is untouched
    assert shown.layout.yaxis.tickformat == "$~s"


def test_positive_amounts_keep_plotlys_ticks_with_a_dollar_and_billions_as_b():
    frame = pd.DataFrame({"date": DATES, "segment": "A", "revenue": np.linspace(9.2e6, 9.9e6, 6)})
    fig = charts.stacked_area(frame, x="date", y="revenue", color="segment", title="Size", measure="revenue",
                              periodicity="monthly")
    assert money_axes(fig) == {} and readable_money(fig) is fig


def test_an_axis_titled_in_usd_without_a_dollar_gets_one_and_units_stay_plain():
    table = pd.DataFrame({"segment": ["A", "B"], "last_year": [6e7, 1.6e8], "cagr": [2.0, 12.0], "our_share": [10, 20]})
    money = charts.bubbles(table, x="last_year", y="cagr", size="our_share", label="segment", title="Where",
                           x_title="Size, last year (USD)", y_title="CAGR", hover={})
    assert money_axes(money)["xaxis"]["tickprefix"] == "$"
    units = charts.bubbles(table, x="last_year", y="cagr", size="our_share", label="segment", title="Where",
                           x_title="Size, last year (units)", y_title="CAGR", hover={})
    assert money_axes(units) == {}


def test_every_row_of_a_decomposition_in_usd_is_money():
    frame = pd.DataFrame({"date": DATES, "observed": 2e7, "trend": 2e7, "seasonal": [-1e6, 1e6] * 3,
                          "remainder": [1e5, -1e5] * 3})
    fig = charts.decomposition(frame, title="Parts", y_title="Revenue (USD per month)")
    updates = money_axes(fig)
    assert updates["yaxis"]["tickprefix"] == "$" and updates["yaxis3"]["tickformat"] == "$~s"
    assert set(updates) == {"yaxis", "yaxis2", "yaxis3", "yaxis4"}


def test_error_bars_or_a_range_below_zero_count_as_losses():
    table = pd.DataFrame({"option": ["A", "B"], "expected_npv": [2e6, 4e6], "p10": [-1e6, 1e6], "p90": [5e6, 7e6],
                          "probability_positive": [80.0, 95.0]})
    assert money_axes(charts.risk_return(table, title="Risk"))["yaxis"]["tickformat"] == "$~s"
    fig = charts.risk_return(table.assign(p10=[5e5, 1e6]), title="Risk")  # its range still shows a band below zero
    assert money_axes(fig)["yaxis"]["tickformat"] == "$~s"
