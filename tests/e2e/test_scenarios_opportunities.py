"""In Chromium: a moved lever and a saved scenario reopen from their links; so does an Opportunities view."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import wait_rendered, fresh_page
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e


def metric_values(page) -> list[str]:
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def test_a_saved_scenario_reopens_from_its_link(browser, page, app_url):
    page.goto(f"{app_url}/scenarios?region=Europe")
    wait_rendered(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .gtitle")
    slider = page.locator("[data-testid='stSlider']", has_text="Our price change").locator("[role='slider'], input").first
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"d_price=-5"))
    wait_rendered(page)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stMetricDelta]')]"
                           ".some(e => !e.textContent.includes('+0.0%'))")
    # the outcome chart redraws after the metrics: wait until its title shows the moved scenario
    page.wait_for_function("() => [...document.querySelectorAll('.gtitle')].some(e => {"
                           " const m = e.textContent.match(/scenario (\\S+) vs baseline (\\S+)/);"
                           " return m && m[1] !== m[2]; })")
    titles, values = chart_titles(page), metric_values(page)
    page.get_by_placeholder("e.g. Price cut 5%").fill("Price cut 5% in Europe")
    page.keyboard.press("Enter")
    wait_rendered(page)
    page.get_by_role("button", name="Save scenario").click()
    opener = page.locator("[data-testid='stAlert'] a", has_text="Open it")
    opener.wait_for()
    short = opener.get_attribute("href")
    assert re.fullmatch(r"http\S+\?view=[a-z0-9]{8}", short)

    fresh = fresh_page(browser)
    try:
        fresh.goto(short)
        fresh.wait_for_url(re.compile(r"/scenarios\?.*d_price=-5"))
        wait_rendered(fresh)
        fresh.wait_for_function("n => document.querySelectorAll('.gtitle').length >= n", arg=len(titles))
        assert chart_titles(fresh) == titles and metric_values(fresh) == values
    finally:
        fresh.context.close()


def test_an_opportunities_view_reopens_from_its_link(browser, page, app_url):
    page.goto(f"{app_url}/opportunities?rate=12")
    wait_rendered(page)
    picker = page.locator("[data-testid='stSelectbox']", has_text="Option to look at in detail")
    picker.scroll_into_view_if_needed()
    picker.click()
    page.get_by_role("option", name="SMB Essentials plan", exact=True).click()
    page.wait_for_url(re.compile(r"opp=SMB"))
    page.wait_for_selector("h3:has-text('SMB Essentials plan')")  # the detail section has switched
    wait_rendered(page)
    titles = chart_titles(page)
    assert any("at 12%" in t for t in titles)
    fresh = fresh_page(browser)
    try:
        fresh.goto(page.url)
        wait_rendered(fresh)
        fresh.wait_for_function("n => document.querySelectorAll('.gtitle').length >= n", arg=len(titles))
        assert chart_titles(fresh) == titles
    finally:
        fresh.context.close()
