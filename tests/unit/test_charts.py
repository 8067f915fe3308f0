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


def test_events_are_marked_with_a_line_and_an_escaped_label_and_ones_outside_are_left_out():
    import pandas as pd

    from dashboard.charts import lines, with_events

    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=12, freq="MS").repeat(2),
                          "company": ["A", "B"] * 12, "share": [60.0, 40.0] * 12})
    fig = lines(frame, x="date", y="share", color="company", title="t", y_title="y")
    marked = with_events(fig, [(pd.Timestamp("2024-11-01"), "<b>B</b> passes A"), (pd.Timestamp("2024-02-01"), "B enters"),
                               (pd.Timestamp("2030-01-01"), "later")])
    texts = [a.text for a in marked.layout.annotations]
    assert texts == ["B enters", "&lt;b&gt;B&lt;/b&gt; passes A"]  # in date order; the 2030 event is off the chart
    early, late = marked.layout.annotations
    assert early.xanchor == "left" and late.xanchor == "right"  # a late event's label stays inside the chart
    assert len(marked.layout.shapes) == 2 and len(fig.layout.annotations) == 0  # the original is not changed
