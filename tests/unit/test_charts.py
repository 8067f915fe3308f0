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


def test_one_customers_features_at_one_spot_are_one_marker_that_names_the_account():
    from dashboard.charts import demand_quadrant

    table = pd.DataFrame({
        "feature": [f"Feature {i}" for i in range(5)] + ["SSO", "Audit log"],
        "breadth": [12.0] * 5 + [70.0, 55.0],
        "arr": [250_000.0] * 5 + [2_000_000.0, 900_000.0],
        "single_account": [True] * 5 + [False, False],
        "top_customer": ["Acme <Corp>"] * 5 + ["Borealis", "Corvid"],
    })
    fig = demand_quadrant(
        table, x="breadth", y="arr", label="feature", flag="single_account", title="T", x_title="x", y_title="y",
        x_split=50, y_split=1e6, flag_name="One account", other_name="Several",
        hover=lambda r: f"{r['feature']} · asked only by {r['top_customer']}",
        same_spot=lambda rows: f"{len(rows)} features, all from {rows['top_customer'].iloc[0]}")
    flagged = next(t for t in fig.data if t.name == "One account")
    assert len(flagged.x) == 1 and flagged.marker.size[0] > 13  # one larger marker, not five stacked
    assert flagged.hovertext[0].count("asked only by Acme <Corp>") == 5  # every feature, and the account
    labels = [t for trace in fig.data if trace.mode == "markers+text" for t in trace.text]
    assert "5 features, all from Acme &lt;Corp&gt;" in labels  # one line, escaped once
    assert not any("<br>" in label for label in labels)


def test_a_single_bubble_gets_a_readable_axis_around_it():
    from dashboard.charts import bubbles

    one = pd.DataFrame({"size_usd": [60_768_434.5], "growth": [4.2], "share": [12.0], "segment": ["SMB"]})
    fig = bubbles(one, x="size_usd", y="growth", size="share", label="segment", title="T", x_title="Size",
                  y_title="Growth", hover={"share": "Share"})
    low, high = fig.layout.xaxis.range
    assert low < 60_768_434.5 < high and high - low > 0.5 * 60_768_434.5  # tens of millions either side
    low, high = fig.layout.yaxis.range
    assert low < 4.2 < high and high - low >= 2


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


def test_an_event_is_marked_on_every_subplot_and_only_once_on_a_single_chart():
    from plotly.subplots import make_subplots

    from dashboard.charts import with_events

    dates = pd.date_range("2024-01-01", periods=12, freq="MS")
    stacked = make_subplots(rows=2, cols=1, shared_xaxes=True)
    for row in (1, 2):
        stacked.add_scatter(x=dates, y=list(range(12)), row=row, col=1)
    marked = with_events(stacked, [(pd.Timestamp("2024-06-01"), "Apex cuts price")])
    assert sorted(shape.xref for shape in marked.layout.shapes) == ["x", "x2"]
    single = make_subplots(rows=1, cols=1).add_scatter(x=dates, y=list(range(12)))
    assert [shape.xref for shape in with_events(single, [(pd.Timestamp("2024-06-01"), "x")]).layout.shapes] == ["x"]


def test_price_volume_units_axis_has_round_ticks_from_zero():
    from dashboard.charts import price_volume_chart

    frame = pd.DataFrame({"date": list(pd.date_range("2024-01-01", periods=3, freq="MS")) * 2,
                          "company": ["Apex"] * 3 + ["Northwind"] * 3, "price": [300.0, 310, 320, 250, 255, 260],
                          "units": [18_730.0, 21_380, 28_730, 9_000, 12_000, 14_040]})
    fig = price_volume_chart(frame, title="t", colors={"Apex": "#e0752d", "Northwind": "#1f4e9c"})
    axis = fig.layout.yaxis2
    assert axis.tick0 == 0 and axis.dtick == 10_000 and axis.range[0] == 0 and axis.range[1] >= 28_730


def test_a_legend_of_25_companies_goes_to_the_right_not_over_the_title():
    names = [f"Company {i:02d}" for i in range(25)]
    many = pd.DataFrame({"date": list(pd.date_range("2024-01-01", periods=3, freq="MS")) * 25,
                         "company": [n for n in names for _ in range(3)], "share": 4.0})
    fig = lines(many, x="date", y="share", color="company", title="t", y_title="Share (%)")
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.x > 1  # beside the plot
    few = lines(FRAME, x="date", y="revenue", color="company", title="t", y_title="Share (%)")
    assert few.layout.legend.orientation is None  # the template's row above the plot
    assert few.layout.template.layout.legend.orientation == "h"


def test_the_we_lead_line_stays_inside_the_chart_when_every_bubble_is_on_one_side():
    from dashboard.charts import bubbles, divide_at

    for xs in ([1.5], [1.55, 1.6]):  # one segment we lead; two we lead by about as much
        both = pd.DataFrame({"segment": ["A", "B"][:len(xs)], "relative_share": xs, "growth": 4.0, "size": 100.0})
        fig = bubbles(both, x="relative_share", y="growth", size="size", label="segment", title="t", x_title="x",
                      y_title="y", hover={"growth": "Growth %"})
        assert fig.layout.xaxis.range[0] > 1.0  # the bubbles' own range leaves the line at 1.0 out
        lo, hi = divide_at(fig, x=1.0, left="a competitor leads", right="we lead").layout.xaxis.range
        assert (1.0 - lo) >= 0.3 * (hi - lo) - 1e-9  # room for the left label
        assert hi - max(xs) >= 0.1 * (hi - lo)  # and for the bubbles and their labels on the right


def test_a_long_title_on_a_half_width_chart_puts_its_closing_parenthesis_on_a_second_line():
    title = "Aurora Systems unit share: 25.5% → 41.0% (first vs last 12 months)"
    fig = lines(FRAME, x="date", y="revenue", color="company", title=title, y_title="Share (%)", half_width=True)
    assert fig.layout.title.text == "Aurora Systems unit share: 25.5% → 41.0%<br>(first vs last 12 months)"
    assert fig.layout.margin.t > 100  # room for the second line above the legend
    from dashboard.deck import chart_title

    assert chart_title(fig) == title  # a slide's title, the PNG's name: one line, no markup
    short = lines(FRAME, x="date", y="revenue", color="company", title="Apex share: 1% → 2% (first vs last)",
                  y_title="Share (%)", half_width=True)
    assert short.layout.title.text == "Apex share: 1% → 2% (first vs last)"
    wide = lines(FRAME, x="date", y="revenue", color="company", title=title, y_title="Share (%)")
    assert wide.layout.title.text == title  # a full-width chart has room for it on one line
