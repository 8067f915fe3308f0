"""Charts and the offline report show link- and tag-shaped names as text, and keep one colour per company."""

from __future__ import annotations

import re

import pandas as pd

from dashboard import charts
from dashboard.report import Card, Section, html_report
from dashboard.theme import OUR_COLOR, company_colors

TAG = "<a href='https://evil.example/'>x</a>"
BOLD = "<b>Apex</b> & Co"
SHOWN_TAG = "&lt;a href='https://evil.example/'&gt;x&lt;/a&gt;"
DATES = list(pd.date_range("2024-01-01", periods=3, freq="MS"))
FRAME = pd.DataFrame({"date": DATES * 2, "company": [TAG] * 3 + [BOLD] * 3,
                      "share": [40.0, 41.0, 42.0, 60.0, 59.0, 58.0]})


def tags_in(fig) -> list[str]:
    """Every `<a` Plotly would draw as a link, anywhere in the figure's JSON."""
    return re.findall(r"(?i)<a[\s>][^\"]*", fig.to_json())


def test_legend_title_and_hover_show_tags_as_text_and_colours_follow_the_raw_name():
    colors = company_colors(FRAME["company"], TAG)
    fig = charts.lines(FRAME, x="date", y="share", color="company", title=f"{TAG} market share", y_title=TAG,
                       colors=colors, emphasis=TAG)
    assert [t.name for t in fig.data] == [SHOWN_TAG, "&lt;b&gt;Apex&lt;/b&gt; &amp; Co"]
    assert fig.data[0].line.color == OUR_COLOR and fig.data[1].line.color == colors[BOLD]
    assert fig.layout.title.text == f"{SHOWN_TAG} market share"
    assert SHOWN_TAG in fig.data[0].hovertemplate and fig.layout.yaxis.title.text == SHOWN_TAG
    assert tags_in(fig) == []


def test_categories_bubble_labels_and_annotations_are_escaped():
    bridge = pd.DataFrame({"company": [TAG, "Apex"], "points": [1.0, -0.5]})
    waterfall = charts.waterfall(bridge, start_share=10, end_share=10.5, title=TAG, start_label="a", end_label="b")
    assert list(waterfall.data[0].x) == ["a", SHOWN_TAG, "Apex", "b"]
    table = pd.DataFrame({"segment": [TAG, "SMB"], "last_year": [1.0, 2.0], "cagr": [3.0, 4.0], "share": [5.0, 6.0]})
    bubbles = charts.bubbles(table, x="last_year", y="cagr", size="share", label="segment", title="t", x_title="x",
                             y_title="y", hover={"share": f"{TAG} share %"})
    divided = charts.divide_at(bubbles, x=1.0, left="a competitor leads", right=f"{TAG} leads")
    assert list(bubbles.data[0].text) == [SHOWN_TAG, "SMB"]
    assert divided.layout.annotations[-1].text == f"{SHOWN_TAG} leads"
    assert tags_in(waterfall) == [] and tags_in(divided) == []


def test_offline_report_has_no_live_tag_from_names_or_charts():
    fig = charts.lines(FRAME, x="date", y="share", color="company", title=TAG, y_title="Share (%)")
    page = html_report(f"Market briefing: {TAG}", "Basis: all", [Card(f"{TAG} share", "40%")],
                       [Section("What changed", [(f"{TAG} gained 2 points.", None)])], [fig])
    assert "<a href='https://evil.example/'" not in page and '<a href="https://evil.example/"' not in page
    assert "\\u003ca href" not in page  # the figure JSON writes "<" as \u003c; Plotly would still draw a link
    assert page.count("&lt;a href=") >= 3  # the name shows, as text, in the title, the card and the finding
