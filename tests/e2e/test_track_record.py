"""In Chromium: the Market page's Track record on the demo, on a first run: chart, words, no clipped label."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.harness import wait_rendered
from tests.e2e.test_chart_labels import problems

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder to keep the section's screenshot in, for a person to look at

# Every text Plotly drew: title, legend, axis titles and ticks, annotations, data labels.
BOXES = """chart => {
  const frame = chart.querySelector('.main-svg').getBoundingClientRect();
  const texts = [...chart.querySelectorAll('.gtitle, .legendtext, .g-xtitle text, .g-ytitle text, .xtick text, '
                                           + '.ytick text, .annotation-text, .textpoint text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; });
  return {frame: {left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom}, texts};
}"""


def test_the_demo_market_page_shows_its_track_record(page, app_url, tmp_path):
    page.goto(f"{app_url}/market")
    wait_rendered(page)
    heading = page.get_by_role("heading", name="Track record")
    heading.scroll_into_view_if_needed()
    chart = page.locator("[data-testid='stPlotlyChart']",
                         has=page.locator(".gtitle", has_text="Past forecasts of the whole market")).first
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for()
    body = page.locator("[data-testid='stMain']").inner_text()
    assert re.search(r"Past forecasts: off by \d+% on average; \d+ of 12 months inside the 90% band", body)
    assert re.search(r"The forecast of \w+ 2025 was \d+% too (high|low) \(the largest miss\)", body)
    legend = chart.locator(".legendtext").all_text_contents()
    assert legend == ["90% band, the data to December 2024", "Forecast made on the data to December 2024", "Actual"]
    assert page.locator("[data-testid='stException']").count() == 0

    boxes = chart.evaluate(BOXES)
    assert problems(boxes) == [], problems(boxes)
    shot = Path(SHOTS or tmp_path) / "track_record.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(shot))
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")  # the section as a reader sees it
    page.screenshot(path=str(shot.with_name("track_record_section.png")))


def test_the_briefing_forecast_card_carries_the_track_record_line(page, app_url, tmp_path):
    page.goto(app_url)
    wait_rendered(page)
    line = page.get_by_text(re.compile(r"^Past forecasts: off by \d+% on average; \d+ of 12 months inside the 90% band$"))
    line.wait_for()
    card = page.locator("[data-testid='stMetric']", has_text="Forecast, next 12 months")
    card_box, line_box = card.bounding_box(), line.bounding_box()
    # Under the card, within its column: not beside it, not over the next card.
    assert line_box["y"] >= card_box["y"] + card_box["height"] - 1
    assert card_box["x"] - 1 <= line_box["x"] and line_box["x"] + line_box["width"] <= card_box["x"] + card_box["width"] + 1
    shot = Path(SHOTS or tmp_path) / "briefing_track_line.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
