"""In Chromium: forecast settings go into the link, and the link reproduces the same forecast chart."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import wait_rendered, fresh_page
from tests.e2e.test_browser import chart_titles

pytestmark = pytest.mark.e2e


def test_forecast_settings_reopen_from_the_link(browser, page, app_url):
    page.goto(f"{app_url}/market?horizon=12&level=80")
    wait_rendered(page)
    page.wait_for_function("() => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes('next 12'))")
    model = page.locator("[data-testid='stSelectbox']", has=page.get_by_text("Model", exact=True))
    model.scroll_into_view_if_needed()
    model.click()
    page.get_by_role("option", name="Trend that flattens out (damped trend)", exact=True).click()
    page.wait_for_url(re.compile(r"model=damped"))  # the link keeps the stable name, the picker shows words
    wait_rendered(page)
    page.wait_for_selector("text=Model details: Damped trend")
    titles = chart_titles(page)
    assert any("shown 12 periods ahead at 80%" in t for t in titles)
    assert page.locator("[data-testid='stException']").count() == 0

    fresh = fresh_page(browser)
    try:
        fresh.goto(page.url)
        wait_rendered(fresh)
        fresh.wait_for_function("n => document.querySelectorAll('.gtitle').length >= n", arg=len(titles))
        assert chart_titles(fresh) == titles
        picker = fresh.locator("[data-testid='stSelectbox']", has=fresh.get_by_text("Model", exact=True))
        assert picker.locator("input").input_value() == "Trend that flattens out (damped trend)"
    finally:
        fresh.context.close()


def test_market_page_downloads_its_charts_as_a_deck_with_the_forecast_as_set(page, app_url, tmp_path):
    from pptx import Presentation

    page.goto(f"{app_url}/market?horizon=12")
    wait_rendered(page)
    button = page.locator("[data-testid='stDownloadButton'] button", has_text="Download as PowerPoint")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as download:
        button.click()
    path = tmp_path / "market.pptx"
    download.value.save_as(path)
    titles = [slide.shapes.title.text for slide in Presentation(str(path)).slides]
    assert titles[0] == "Market: Northwind" and len(titles) >= 4
    assert any("shown 12 periods ahead" in title for title in titles), titles
