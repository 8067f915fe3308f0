"""Figure builders: units on axes, readable dates, one colour per company."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import lines, stacked_area
from dashboard.theme import OUR_COLOR, company_colors

FRAME = pd.DataFrame(
    {
        "date": list(pd.date_range("2024-01-01", periods=3, freq="MS")) * 2,
        "company": ["Apex"] * 3 + ["Northwind"] * 3,
        "revenue": [1e6, 2e6, 3e6, 4e6, 5e6, 6e6],
    }
)


def test_stacked_area_labels_units_and_money():
    quarterly = stacked_area(FRAME, x="date", y="revenue", color="company", title="Q", measure="units",
                             periodicity="quarterly")
    assert quarterly.layout.yaxis.title.text == "Units sold per quarter"
    fig = stacked_area(FRAME, x="date", y="revenue", color="company", title="Market", measure="revenue")
    assert fig.layout.yaxis.title.text == "Revenue (USD per month)"
    assert fig.layout.yaxis.tickprefix == "$"
    assert fig.layout.xaxis.title.text == "Period" and fig.layout.xaxis.hoverformat == "%b %Y"
    assert [t.stackgroup for t in fig.data] == ["one", "one"]
    assert fig.layout.title.text == "Market"


def test_lines_use_company_colours_and_put_ours_first():
    colors = company_colors(["Apex", "Northwind"], "Northwind")
    fig = lines(FRAME, x="date", y="revenue", color="company", title="t", y_title="Share (%)",
                colors=colors, emphasis="Northwind")
    assert [t.name for t in fig.data] == ["Northwind", "Apex"]
    assert fig.data[0].line.color == OUR_COLOR and fig.data[1].line.color == colors["Apex"]
    assert fig.data[0].line.width > fig.data[1].line.width


def test_figure_stays_small():
    fig = lines(FRAME, x="date", y="revenue", color="company", title="t", y_title="y")
    assert len(fig.to_json()) < 1_000_000
