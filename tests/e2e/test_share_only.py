"""In Chromium: a share-only tracker file (monthly, five companies, a method break) and survey snapshots
on irregular dates get every page; the demo's headline names the Apex overtake.

Screenshots of the Briefing at 1440×900 go to $MARKET_TRENDS_SHOTS when it is set, to look at by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.harness import wait_rendered
from tests.share_files import desktop_os_csv, survey_csv

pytestmark = pytest.mark.e2e

PAGES = ["Briefing", "Market", "Competitors", "Scenarios", "Products", "Opportunities", "Feature requests", "Data"]


def shoot(page, name: str) -> None:
    folder = os.environ.get("MARKET_TRENDS_SHOTS")
    if folder:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def headline(page) -> str:
    page.wait_for_selector("h4")
    return page.locator("[data-testid='stMarkdownContainer'] h4").first.inner_text()


def load_file(page, app_url, path: Path) -> None:
    page.goto(f"{app_url}/data")
    wait_rendered(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.wait_for_selector("[data-testid='stAlert']")
    wait_rendered(page)


def use_it(page) -> None:
    page.get_by_role("button", name="Use this market table on every page").click()
    page.wait_for_selector("text=Every page now uses")
    wait_rendered(page)


def every_page_renders(page) -> None:
    for name in PAGES:
        page.locator("[data-testid='stSidebarNavLink']", has_text=name).first.click()
        wait_rendered(page)
        page.wait_for_selector("h1")
        assert page.locator("[data-testid='stException']").count() == 0, name
        assert "Traceback" not in page.content(), name


def test_the_demo_headline_names_the_apex_overtake(page, app_url):
    page.goto(app_url)
    wait_rendered(page)
    text = headline(page)
    assert "fell from 26.9%" in text and "20.5%" in text
    assert "Apex overtook Northwind in Nov 2025" in text
    page.wait_for_selector("[data-testid='stPlotlyChart'] .annotation-text")
    marks = page.locator("[data-testid='stPlotlyChart'] .annotation-text").all_text_contents()
    assert "Apex passes Northwind" in marks  # the share chart marks the overtake the headline names
    shoot(page, "briefing-demo")


def test_a_share_only_tracker_gets_every_page(page, app_url, tmp_path):
    path = tmp_path / "desktop-os.csv"
    path.write_bytes(desktop_os_csv())
    load_file(page, app_url, path)
    alerts = "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert "Other 9.4% → 3.2% in Mar 2023" in alerts  # the method break, before the data is used
    assert page.get_by_text("Is “Other” a company, or the rest of the market?").count() == 1
    use_it(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Briefing").first.click()
    wait_rendered(page)
    text = headline(page)
    assert text.startswith("Windows leads with") and "(share forecast)" in text
    metrics = page.locator("[data-testid='stMetric']").all_inner_texts()
    assert any("Rank" in m and "#1 of 4" in m for m in metrics)
    assert any("Forecast, Dec 2026" in m for m in metrics)
    assert "Other 9.4% → 3.2% in Mar 2023" in page.locator("[data-testid='stCaptionContainer']",
                                                          has_text="Basis:").first.inner_text()
    assert page.get_by_text("None stands out").count() == 0
    shoot(page, "briefing-share-only")
    every_page_renders(page)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Products").first.click()
    wait_rendered(page)
    page.get_by_text("This data has no products for Windows").wait_for()  # one line, no empty page
    page.locator("[data-testid='stSidebarNavLink']", has_text="Scenarios").first.click()
    wait_rendered(page)
    slider = page.locator("[data-testid='stSlider']", has_text="Share points").locator("[role='slider'], input").first
    slider.focus()
    for _ in range(4):  # +0.5 a step
        page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"win_pts=2"))  # in the link, like every control
    page.get_by_text("Winning 2.0 points by Dec 2026 puts Windows at").wait_for()
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1
    shoot(page, "scenarios-share-only")


def test_the_demo_market_chart_marks_the_supply_shock(page, app_url):
    page.goto(f"{app_url}/market")
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .annotation-text")
    marks = page.locator("[data-testid='stPlotlyChart'] .annotation-text").all_text_contents()
    assert any(m.startswith("Market shock (-") for m in marks)  # Sep 2021: the demo's component shortage


def test_survey_snapshots_are_placed_on_a_calendar_and_get_every_page(page, app_url, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(survey_csv())
    load_file(page, app_url, path)
    assert page.get_by_text("These dates are irregular").count() == 1
    alerts = "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert "placed on a yearly calendar" in alerts and "2004-07-15 → 2004" in alerts
    use_it(page)
    every_page_renders(page)
