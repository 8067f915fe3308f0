"""Names from data that look like links or HTML are shown as text on every Markdown and Plotly surface.

The dataset is the demo with its companies, a segment, a region and the file
name replaced by what the hostile-input probe used. Every element that
Streamlit renders as Markdown must produce no link to evil.example, and no
Plotly figure may hold an `<a>` tag, which Plotly would draw as a live link.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import unescaped_markdown
from data.dataset import Dataset
from tests.app.test_pages import APP
from tests.markdown_links import hostile_links

CLICK = "[Click me](https://evil.example/)"
TAG = "<a href='https://evil.example/'>x</a>"
SEGMENT = "[seg](http:evil.example)"
REGION = "www.evil.example"
FILE = "[Click me](http:evil.example).csv"


def hostile_dataset() -> Dataset:
    market = pd.read_csv("data/demo/market.csv")
    market["company"] = market["company"].replace({"Northwind": CLICK, "Apex": TAG, "Brightline": "=cmd|' /C calc'!A0"})
    market["segment"] = market["segment"].replace({"SMB": SEGMENT})
    market["region"] = market["region"].replace({"Europe": REGION})
    return Dataset.from_tables(f"Your data ({FILE})", f"market: {FILE}", {"market": market}, ours=CLICK)


def markdown_sources(at: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown."""
    sources = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error", "title",
                                    "subheader", "header") for e in at.get(kind)]
    sources += [m.label for m in at.metric] + [m.proto.help for m in at.metric]
    sources += [e.label for e in at.expander]
    return [s for s in sources if s]


def plotly_strings(at: AppTest) -> list[str]:
    def strings(node: object):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    return [s for chart in at.get("plotly_chart") for s in strings(json.loads(chart.proto.spec))]


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return hostile_dataset()


def open_with(dataset: Dataset, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["_active_dataset"] = dataset
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def assert_inert(at: AppTest) -> None:
    sources = markdown_sources(at)
    live = {s: hostile_links(s) for s in sources if hostile_links(s)}
    assert not live, live
    tags = [s for s in plotly_strings(at) if re.search(r"(?i)<a[\s>]", s)]
    assert not tags, tags


def test_briefing_shows_hostile_names_as_text(dataset):
    at = open_with(dataset)
    assert_inert(at)
    shown = "\n".join(unescaped_markdown(s) for s in markdown_sources(at))
    assert f"{CLICK} revenue share" in shown  # the name is there, as typed, in the metric label
    assert FILE in shown  # the sidebar caption names the file
    findings = [m.value for m in at.markdown if "badge[" in m.value and " · " in m.value]
    assert findings and CLICK in unescaped_markdown(findings[0])
    assert any("&lt;a href" in s for s in plotly_strings(at))  # the legend shows the tag as text


def test_market_page_shows_hostile_segments_as_text(dataset):
    at = open_with(dataset, "../pages/market.py")
    assert_inert(at)
    assert any(SEGMENT in s for s in plotly_strings(at))


def test_competitors_page_shows_hostile_names_as_text(dataset):
    at = open_with(dataset, "../pages/competitors.py")
    assert_inert(at)
    assert any(TAG.replace("<", "&lt;").replace(">", "&gt;") in s for s in plotly_strings(at))
