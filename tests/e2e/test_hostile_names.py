"""In Chromium: an uploaded file full of link-shaped names produces no link to evil.example anywhere.

Markdown (findings, metric labels, captions, the sidebar) and Plotly (legends,
titles, hover, axis labels, drawn as SVG) both turn such names into live links
unless they are escaped; the browser is the only judge of what is clickable.
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest

from tests.e2e.harness import fresh_page, wait_rendered
from tests.e2e.test_data_upload import sidebar_caption, upload

pytestmark = pytest.mark.e2e

CLICK = "[Click me](https://evil.example/)"
TAG = "<a href='https://evil.example/'>x</a>"
SEGMENT = "[seg](http:evil.example)"
FILE = "[Click me](http:evil.example).csv"
# Every <a> in the document, HTML or SVG (Plotly draws its links as SVG <a>), whose target is evil.example.
EVIL_LINKS = """() => Array.from(document.querySelectorAll('a'))
    .map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
    .filter(h => { try { return new URL(h, location.href).hostname.endsWith('evil.example'); }
                   catch (e) { return h.includes('evil.example'); } })"""


def hostile_csv(path) -> None:
    """Three years of monthly figures in which the hostile company gains share, so findings name it."""
    months = pd.date_range("2022-01-01", periods=36, freq="MS")
    rows = []
    for i, month in enumerate(months):
        for segment, scale in ((SEGMENT, 1.0), ("SMB", 0.6)):
            for company, base, trend in ((CLICK, 100, 0.02), (TAG, 120, -0.01), ("Apex", 90, 0.0)):
                units = base * scale * (1 + trend) ** i * (1 + 0.05 * np.sin(i))
                rows.append((month.date().isoformat(), segment, "EU", company, round(units), round(units * 50, 2)))
    pd.DataFrame(rows, columns=["date", "segment", "region", "company", "units", "revenue"]).to_csv(path, index=False)


def evil_links(page) -> list[str]:
    return page.evaluate(EVIL_LINKS)


def text_of(page, selector: str) -> str:
    return "\n".join(page.locator(selector).all_inner_texts()).replace("\u2060", "")


@pytest.fixture
def hostile_file(tmp_path):
    path = tmp_path / FILE
    hostile_csv(path)
    return path


def test_hostile_upload_shows_names_as_text_on_briefing_and_market(page, app_url, hostile_file, tmp_path):
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    upload(page, hostile_file)
    alerts = text_of(page, "[data-testid='stAlert']")
    assert f"{FILE} can be loaded" in alerts and evil_links(page) == []
    page.get_by_role("button", name="Use this market table on every page").click()
    page.wait_for_selector("text=Every page now uses")
    wait_rendered(page)
    assert FILE in sidebar_caption(page) and evil_links(page) == []

    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").click()
    wait_rendered(page)
    page.wait_for_selector("text=What changed")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .legendtext")
    assert page.locator("[data-testid='stException']").count() == 0
    assert evil_links(page) == []
    # each finding is a row: its text, then its Evidence page link. They are filled last, after the forecast:
    # wait for them, then for the run to end, before reading them (a busy machine drew the chart long before)
    rows = "[data-testid='stHorizontalBlock']:has([data-testid='stPageLink']) [data-testid='stMarkdownContainer']"
    page.wait_for_selector(rows)
    wait_rendered(page)
    findings = text_of(page, rows)
    assert CLICK in findings and "\\" not in findings  # the name as typed, no escape characters showing
    assert TAG in page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()
    page.screenshot(path=str(tmp_path / "hostile-briefing.png"), full_page=True)

    page.locator("[data-testid='stSidebarNavLink']", has_text="Market").click()
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .legendtext")
    assert page.locator("[data-testid='stException']").count() == 0
    assert evil_links(page) == []
    assert SEGMENT in page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()
    page.screenshot(path=str(tmp_path / "hostile-market.png"), full_page=True)


def test_a_link_value_is_echoed_without_its_link_or_bidi_override(browser, app_url):
    page = fresh_page(browser)
    try:
        page.goto(f"{app_url}/overview?company={quote(CLICK + chr(0x202E) + 'txt.exe')}")
        wait_rendered(page)
        notice = page.locator("[data-testid='stAlert']", has_text="could not be used")
        assert notice.count() == 1
        assert evil_links(page) == []
        text = notice.inner_text().replace("\u2060", "")
        assert CLICK in text and "\u202e" not in text and "\\" not in text
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.context.close()
