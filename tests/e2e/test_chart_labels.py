"""In Chromium at 1440×900: no title or text label in a page's charts is clipped by its chart or overlaps another.

Plotly places data labels and annotations itself and never checks them
against each other or against the chart's edge; a label cut in half or
printed over another is what an executive notices first on a slide. The
check reads the boxes of the rendered SVG text: data labels (`.textpoint`)
and annotations, against the chart's own box and each other.
"""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_rendered

pytestmark = pytest.mark.e2e

# Each page's main charts, by the start of their title, on the default view and on views that stress labels.
CASES = [
    ("/market", "Where the market grows"),
    ("/market?segment=SMB&region=Europe", "Where the market grows"),
    ("/competitors", "Price index against unit share"),
    ("/competitors", "Growth-share matrix"),
    ("/opportunities", "Expected NPV over the uncertainty"),
    ("/feature-requests", "Broad need or one loud account?"),
]

BOXES = """chart => {
  const frame = chart.querySelector('.main-svg').getBoundingClientRect();
  const texts = [...chart.querySelectorAll('.gtitle, .textpoint text, .annotation-text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; });
  return {frame: {left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom}, texts};
}"""


def chart_titled(page, start: str):
    chart = page.locator("[data-testid='stPlotlyChart']", has=page.locator(".gtitle", has_text=start)).first
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for()
    return chart


def problems(boxes: dict, slack: float = 1.0) -> list[str]:
    """Labels outside the chart's box, and pairs of labels whose boxes overlap by more than `slack` pixels."""
    frame, texts = boxes["frame"], boxes["texts"]
    found = [f"“{t['text']}” is cut off by the chart's edge" for t in texts
             if t["left"] < frame["left"] - slack or t["right"] > frame["right"] + slack
             or t["top"] < frame["top"] - slack or t["bottom"] > frame["bottom"] + slack]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            width = min(a["right"], b["right"]) - max(a["left"], b["left"])
            height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if width > slack and height > slack:
                found.append(f"“{a['text']}” overlaps “{b['text']}”")
    return found


@pytest.mark.parametrize(("path", "title"), CASES)
def test_no_label_is_clipped_or_overlaps_another(browser, app_url, path, title):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url + path)
        wait_rendered(page)
        chart = chart_titled(page, title)
        page.wait_for_timeout(300)  # Plotly lays labels out after the first paint
        boxes = chart.evaluate(BOXES)
        assert len(boxes["texts"]) > 1, f"{title}: no labels found to check besides the title"
        assert problems(boxes) == []
    finally:
        page.close()
